/* Scratch card: the server draws first (POST /draw); the canvas coating only hides its answer. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data, T = CS.T;
  var canvas = document.getElementById("scratch-canvas"), ctx = canvas.getContext("2d");
  var result = document.getElementById("scratch-result"), button = document.getElementById("scratch-btn");
  var state = "idle", current = null, drawing = false, ratio = window.devicePixelRatio || 1;

  function coat() {
    var w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = w * ratio; canvas.height = h * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.globalCompositeOperation = "source-over";
    var g = ctx.createLinearGradient(0, 0, w, h);
    g.addColorStop(0, "#c9c9c9"); g.addColorStop(0.5, "#ececec"); g.addColorStop(1, "#b5b5b5");
    ctx.fillStyle = g; ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = "#8d8d8d"; ctx.font = "bold 22px sans-serif"; ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(data.config.cover_text || "", w / 2, h / 2);
    canvas.classList.remove("revealed");
  }

  function scratchAt(x, y) {
    ctx.globalCompositeOperation = "destination-out";
    ctx.beginPath(); ctx.arc(x, y, 18, 0, Math.PI * 2); ctx.fill();
  }

  function clearedShare() {
    var img = ctx.getImageData(0, 0, canvas.width, canvas.height).data, clear = 0, total = 0;
    for (var i = 3; i < img.length; i += 4 * 16) { total++; if (img[i] === 0) clear++; }
    return total ? clear / total * 100 : 0;
  }

  function reveal() {
    if (state !== "scratching") return;
    state = "done";
    canvas.classList.add("revealed");
    setTimeout(function () {
      CS.showResult(current);
      button.textContent = T.next_card; button.disabled = false;
      CS.after();
    }, 350);
  }

  function getCard() {
    if (state === "scratching") { reveal(); return; }
    if (state === "loading") return;
    state = "loading"; button.disabled = true;
    coat();
    CS.draw(null).then(function (r) {
      current = r;
      result.textContent = "";
      result.appendChild(document.createTextNode(r.name));
      if (r.label && r.label !== r.name) result.appendChild(CS.el("small", "", r.label));
      result.setAttribute("data-prize", r.prizeKey || "");
      state = "scratching";
      button.textContent = T.reveal_all; button.disabled = false;
    }).catch(function (p) {
      state = "idle"; button.disabled = false; CS.showError(p); CS.after();
    });
  }

  function pos(e) {
    var r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }
  canvas.addEventListener("pointerdown", function (e) {
    if (state === "idle" || state === "done") { getCard(); return; }
    if (state !== "scratching") return;
    drawing = true; canvas.setPointerCapture(e.pointerId); scratchAt.apply(null, pos(e));
  });
  canvas.addEventListener("pointermove", function (e) {
    if (drawing && state === "scratching") scratchAt.apply(null, pos(e));
  });
  function stop() {
    if (!drawing) return;
    drawing = false;
    if (clearedShare() >= (data.config.reveal_percent || 45)) reveal();
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  button.addEventListener("click", getCard);
  window.addEventListener("resize", function () { if (state !== "scratching") coat(); });

  coat();
  CS.start({onBlocked: function () { button.disabled = true; }});
})();
