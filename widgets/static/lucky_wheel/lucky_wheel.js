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

  /* Room for a label line whose baseline is `r` from the centre: the segment's width there
   * (its edges are step/2 either side of the label's axis), less a margin. */
  function room(r) { return 2 * r * Math.tan(Math.PI / n) * 0.9; }

  /* A name in `k` lines of about equal length: whole words where it has spaces, else (a
   * Chinese name) equal runs of characters. */
  function split(name, k) {
    if (k === 1) return [name];
    var words = name.split(" "), lines = [], target = name.length / k;
    if (words.length >= k) {
      var line = "";
      words.forEach(function (word, i) {
        var left = words.length - i, slots = k - lines.length - 1;
        if (line && slots > 0 && (line.length + word.length / 2 > target || left <= slots)) {
          lines.push(line); line = "";
        }
        line = line ? line + " " + word : word;
      });
      lines.push(line);
      return lines;
    }
    var size = Math.ceil(name.length / k);
    for (var at = 0; at < name.length; at += size) lines.push(name.slice(at, at + size));
    return lines;
  }

  var OUTER = {1: 104, 2: 112, 3: 118};  // baseline of the outermost line, by line count

  /* Lay `lines` out in `node` at `size` px, the first line outermost; true if each fits. */
  function layout(node, lines, size) {
    node.textContent = "";
    node.style.fontSize = size + "px";
    return lines.map(function (line, i) {
      var r = OUTER[lines.length] - i * size * 1.2, span = document.createElementNS(NS, "tspan");
      span.setAttribute("x", "0");
      span.setAttribute("y", String(-r));
      span.textContent = line;
      node.appendChild(span);
      return span.getComputedTextLength() <= room(r);
    }).every(Boolean);
  }

  /* A prize's whole name in its segment: one line (13 px, down to 11), else two or three
   * lines (down to 9 px); only a name too long even so is cut, with "…". */
  function fitLabel(node, name) {
    var size, k, lines;
    for (size = 13; size >= 11; size -= 0.5) if (layout(node, [name], size)) return;
    for (k = 2; k <= 3; k++) {
      lines = split(name, k);
      if (lines.length !== k) continue;
      for (size = 13; size >= 9; size -= 0.5) if (layout(node, lines, size)) return;
    }
    lines = split(name, 2);
    while (!layout(node, lines, 9) && lines.some(function (l) { return l.length > 1; })) {
      var i = lines[lines.length - 1].length > 1 ? lines.length - 1 : 0;
      lines[i] = lines[i].replace(/…$/, "").slice(0, -1) + "…";
    }
  }

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
      text.setAttribute("transform", "rotate(" + (i * step + step / 2) + ")");
      text.setAttribute("data-name", CS.prizeName(p.key));
      g.appendChild(text);
      wheel.appendChild(g);
      fitLabel(text, CS.prizeName(p.key));  // measured, so once it is on the page
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
