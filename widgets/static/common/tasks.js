/* Tasks and badges (templates/_tasks.html): each task's state and progress, the badges lit,
 * and the check-in a check-in task asks for. The runtime decides what completes a task
 * (GET /tasks says where each one stands); pages call CS.tasks.load() from their onState. */
(function () {
  "use strict";
  var CS = window.CS, T = CS.T, held = null;

  function render(state) {
    var count = state.badges.count, total = state.badges.total;
    var counter = document.querySelector("[data-badge-count]");
    if (counter) {
      counter.textContent = T.badge_count.replace("{n}", String(count)).replace("{total}", String(total));
    }
    if (held !== null && count > held) CS.toast(T.task_done_toast);
    held = count;
    document.body.setAttribute("data-badges", state.badges.held.join(","));
    state.tasks.forEach(function (task) {
      var badge = document.querySelector('[data-badge-wall] [data-badge="' + task.key + '"]');
      if (badge) badge.classList.toggle("lit", !!task.badge_held);
      var li = document.querySelector('[data-task-list] [data-task="' + task.key + '"]');
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
    return state;
  }

  function load() {
    if (!document.querySelector("[data-task-list]")) return Promise.resolve(null);
    return CS.request("GET", CS.base + "/tasks").then(render);
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-task-list] [data-do="check_in"]'),
    function (b) {
      b.addEventListener("click", function () {
        b.disabled = true;
        CS.write(CS.base + "/check-in", {}).then(function (r) {
          CS.modal({icon: "✅", title: T.checked + (r.streak ? " · " + T.streak + " " + r.streak + " " + T.days : ""),
                    body: CS.earned(r), tone: "win"});
        }).catch(CS.showError).then(function () { b.disabled = false; return CS.after(); });
      });
    });

  CS.tasks = {load: load, render: render};
})();
