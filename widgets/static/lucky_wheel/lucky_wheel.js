/* Lucky wheel: equal segments (weights are never shown); the wheel turns to the segment of the
 * prize the server returned from POST /draw. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data, NS = "http://www.w3.org/2000/svg";
  var wheel = document.getElementById("wheel"), button = document.getElementById("spin");
  var segments = data.prizes.slice();
  while (segments.length && segments.length < 6) segments = segments.concat(data.prizes);
  var n = segments.length, step = 360 / n, rotation = 0, busy = false;
  var seconds = data.config.spin_seconds || 4;

  function point(angle, r) {
    var rad = (angle - 90) * Math.PI / 180;
    return (r * Math.cos(rad)).toFixed(2) + " " + (r * Math.sin(rad)).toFixed(2);
  }

  function short(text) { return text.length > 7 ? text.slice(0, 6) + "…" : text; }

  function build() {
    segments.forEach(function (p, i) {
      var g = document.createElementNS(NS, "g");
      g.setAttribute("class", i % 2 ? "seg seg-alt" : "seg");
      g.setAttribute("data-prize", p.key);
      var path = document.createElementNS(NS, "path");
      path.setAttribute("d", "M0 0 L" + point(i * step, 138) + " A138 138 0 0 1 " +
        point((i + 1) * step, 138) + " Z");
      path.setAttribute("fill", i % 2 ? "var(--brand)" : "#fff6d8");
      path.setAttribute("stroke", "#f4c35a");
      g.appendChild(path);
      var text = document.createElementNS(NS, "text");
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("transform", "rotate(" + (i * step + step / 2) + ") translate(0 -100)");
      text.textContent = short(CS.prizeName(p.key));
      g.appendChild(text);
      wheel.appendChild(g);
    });
  }

  function targetIndex(key) {
    var matches = [];
    segments.forEach(function (p, i) { if (p.key === key) matches.push(i); });
    return matches.length ? matches[Math.floor(Math.random() * matches.length)] : 0;
  }

  function spinTo(key) {
    var i = targetIndex(key);
    var jitter = (Math.random() - 0.5) * step * 0.6;
    var landing = 360 - (i * step + step / 2) + jitter;          // segment centre under the pointer
    var current = ((rotation % 360) + 360) % 360;
    rotation += 360 * 6 + ((landing - current + 720) % 360);
    wheel.style.transition = "transform " + seconds + "s cubic-bezier(.15,.7,.1,1)";
    wheel.style.transform = "rotate(" + rotation + "deg)";
    return new Promise(function (resolve) { setTimeout(resolve, seconds * 1000 + 80); });
  }

  function play() {
    if (busy) return;
    busy = true;
    button.disabled = true;
    document.body.setAttribute("data-busy", "1");
    CS.draw(null).then(function (result) {
      wheel.setAttribute("data-target", result.prizeKey || "");
      return spinTo(result.prizeKey).then(function () { CS.showResult(result); });
    }).catch(CS.showError).then(function () {
      busy = false;
      button.disabled = false;
      document.body.removeAttribute("data-busy");
      return CS.after();
    });
  }

  build();
  button.addEventListener("click", play);
  CS.start({onBlocked: function () { button.disabled = true; }});
})();
