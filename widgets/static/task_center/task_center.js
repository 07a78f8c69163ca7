/* Task centre: badges lit by tasks done online and offline, each task's state and progress,
 * check-in and invitations from the page, and the draw the badges unlock. The runtime decides
 * what completes a task (GET /tasks says where each one stands). */
(function () {
  "use strict";
  var CS = window.CS, T = CS.T;
  var drawBtn = document.getElementById("tc-draw"), held = null;
  function $(id) { return document.getElementById(id); }

  function renderTasks(state) {
    var count = state.badges.count, total = state.badges.total;
    $("tc-count").textContent = T.badge_count.replace("{n}", String(count))
      .replace("{total}", String(total));
    if (held !== null && count > held) CS.toast(T.task_done_toast);
    held = count;
    document.body.setAttribute("data-badges", state.badges.held.join(","));
    state.tasks.forEach(function (task) {
      var badge = document.querySelector('[data-badge="' + task.key + '"]');
      if (badge) badge.classList.toggle("lit", !!task.badge_held);
      var li = document.querySelector('#tc-tasks [data-task="' + task.key + '"]');
      if (!li) return;
      li.classList.toggle("done", !!task.done);
      var text = task.done ? T.done : T.todo;
      if (!task.done && task.progress) text += " " + task.progress.current + "/" + task.progress.target;
      li.querySelector("[data-state]").textContent = text;
      var bar = li.querySelector("[data-progress]");
      if (bar && task.progress) {
        bar.style.width = Math.round(100 * task.progress.current / task.progress.target) + "%";
        bar.parentNode.setAttribute("aria-valuenow", String(task.progress.current));
      }
      Array.prototype.forEach.call(li.querySelectorAll(".tc-task-foot > :not([data-state])"),
        function (node) { node.hidden = !!task.done; });
    });
  }

  function loadTasks() {
    return CS.request("GET", CS.base + "/tasks").then(renderTasks);
  }

  function onState(me) {
    $("tc-chances").textContent = String(me.chances_total || 0);
    drawBtn.hidden = !(me.chances_total > 0);
    return loadTasks().catch(CS.showError);
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-do="check_in"]'), function (b) {
    b.addEventListener("click", function () {
      b.disabled = true;
      CS.write(CS.base + "/check-in", {}).then(function (r) {
        CS.modal({icon: "✅", title: T.checked + (r.streak ? " · " + T.streak + " " + r.streak + " " + T.days : ""),
                  body: r.points ? "+" + r.points + " " + T.points : "", tone: "win"});
      }).catch(CS.showError).then(function () { b.disabled = false; return CS.after(); });
    });
  });

  drawBtn.addEventListener("click", function () {
    drawBtn.disabled = true;
    CS.draw(null).then(CS.showResult).catch(CS.showError).then(function () {
      drawBtn.disabled = false; return CS.after();
    });
  });

  CS.start({onState: onState});
})();
