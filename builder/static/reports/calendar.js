/* The marketing calendar (ECharts custom series as a Gantt chart, and a calendar heat map of
 * how many run at once in the year view). Bars on separate lanes overlap in time; a click
 * opens the campaign or the planned entry. Data from #report-data; the same items are listed
 * in the table below the chart. */
(function () {
  "use strict";
  var node = document.getElementById("report-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var zh = data.lang === "zh";
  var DAY = 24 * 3600 * 1000;
  var COLORS = {live: "#28a745", paused: "#fd7e14", ended: "#6c757d", draft: "#adb5bd",
                pending_approval: "#17a2b8", approved: "#007bff",
                planned: "#6f42c1", confirmed: "#20c997", cancelled: "#dee2e6"};
  var charts = [];

  function day(text) { var p = text.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }

  var lanes = data.items.reduce(function (n, i) { return Math.max(n, i.lane + 1); }, 1);
  var items = data.items.map(function (item, index) {
    return {
      name: item.name,
      value: [item.lane, day(item.start), day(item.end) + DAY, index],
      itemStyle: {color: COLORS[item.status] || "#007bff",
                  borderColor: item.source === "plan" ? "#343a40" : null,
                  borderType: item.source === "plan" ? "dashed" : "solid",
                  borderWidth: item.source === "plan" ? 1 : 0,
                  opacity: item.status === "cancelled" ? 0.5 : 1}
    };
  });

  function renderItem(params, api) {
    var lane = api.value(0);
    var start = api.coord([api.value(1), lane]);
    var end = api.coord([api.value(2), lane]);
    var height = api.size([0, 1])[1] * 0.7;
    var shape = window.echarts.graphic.clipRectByRect(
      {x: start[0], y: start[1] - height / 2, width: Math.max(2, end[0] - start[0]), height: height},
      {x: params.coordSys.x, y: params.coordSys.y,
       width: params.coordSys.width, height: params.coordSys.height});
    if (!shape) return null;
    var item = data.items[api.value(3)];
    return {type: "group", children: [
      {type: "rect", shape: shape, style: api.style()},
      {type: "text", style: {text: item.name, x: shape.x + 4, y: shape.y + shape.height / 2,
                             verticalAlign: "middle", fill: item.status === "cancelled" ? "#333" : "#fff",
                             fontSize: 12, width: Math.max(0, shape.width - 8), overflow: "truncate"}}
    ]};
  }

  var el = document.getElementById("calendar-chart");
  if (el) {
    var gantt = window.echarts.init(el, null, {renderer: "svg", locale: zh ? "ZH" : "EN"});
    gantt.setOption({
      animation: false,
      tooltip: {formatter: function (p) {
        var item = data.items[p.value[3]];
        return item.name + "<br>" + item.branch + " · " + (data.status_labels[item.status] || item.status) +
          "<br>" + item.start + " → " + item.end;
      }},
      grid: {left: 20, right: 20, top: 30, bottom: 30},
      xAxis: {type: "time", min: day(data.start), max: day(data.end) + DAY, position: "top",
              splitLine: {show: true, lineStyle: {color: "#eee"}}},
      yAxis: {type: "category", inverse: true, show: false,
              data: Array.apply(null, {length: lanes}).map(function (_, n) { return String(n); })},
      series: [{type: "custom", renderItem: renderItem, encode: {x: [1, 2], y: 0}, data: items}]
    });
    gantt.on("click", function (params) {
      var item = data.items[params.value[3]];
      var base = item.source === "campaign" ? data.campaign_url : data.plan_url;
      window.location.href = base.replace(/\/0(\/|$)/, "/" + item.id + "$1");
    });
    el.setAttribute("data-rendered", "1");
    el.setAttribute("data-total", String(items.length));
    charts.push(gantt);
  }

  var heat = document.getElementById("calendar-heat");
  if (heat) {
    var year = data.start.slice(0, 4);
    var values = data.days.map(function (d) { return [d.day, d.campaigns + d.plans]; });
    var most = values.reduce(function (n, v) { return Math.max(n, v[1]); }, 1);
    var chart = window.echarts.init(heat, null, {renderer: "svg", locale: zh ? "ZH" : "EN"});
    chart.setOption({
      animation: false,
      tooltip: {formatter: function (p) { return p.value[0] + ": " + p.value[1] + " " + data.labels.running; }},
      visualMap: {min: 0, max: most, orient: "horizontal", left: "center", bottom: 0,
                  inRange: {color: ["#f8f9fa", "#28a745"]}},
      calendar: {range: year, top: 30, left: 30, right: 10, cellSize: ["auto", 14],
                 dayLabel: {nameMap: zh ? "ZH" : "EN"}, monthLabel: {nameMap: zh ? "ZH" : "EN"}},
      series: [{type: "heatmap", coordinateSystem: "calendar", data: values}]
    });
    heat.setAttribute("data-rendered", "1");
    heat.setAttribute("data-total", String(values.reduce(function (n, v) { return n + v[1]; }, 0)));
    charts.push(chart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
