/* Simulation charts (ECharts, vendored): the prizes' shares of the draws, the cumulative cost
 * against the budget by day, and each limited prize's stock by day with its stock-out date.
 * The data comes from the server in #simulation-data; every figure is also in the tables. */
(function () {
  "use strict";
  var node = document.getElementById("simulation-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var zh = data.lang === "zh";
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var instance = window.echarts.init(el, null, {renderer: "svg", locale: zh ? "ZH" : "EN"});
    instance.setOption(option);
    el.setAttribute("data-rendered", "1");
    charts.push(instance);
  }

  chart("chart-prizes", {
    tooltip: {trigger: "axis", valueFormatter: function (v) { return v.toFixed(2) + "%"; }},
    grid: {left: 140, right: 30, top: 20, bottom: 30},
    xAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", inverse: true, data: data.prizes.map(function (p) { return p.name; })},
    series: [{
      type: "bar", name: data.labels.share,
      data: data.prizes.map(function (p) { return +(100 * p.share).toFixed(4); }),
      label: {show: true, position: "right",
              formatter: function (p) { return p.value.toFixed(2) + "%"; }}
    }]
  });

  var days = data.days.map(function (d) { return d.date; });
  var cost = {
    type: "line", name: data.labels.cost, smooth: true, areaStyle: {opacity: 0.15},
    data: data.days.map(function (d) { return +d.cost.toFixed(2); })
  };
  if (data.budget !== null) {
    cost.markLine = {symbol: "none", label: {formatter: data.labels.budget + " {c}"},
                     lineStyle: {color: "#d9534f", type: "dashed"}, data: [{yAxis: data.budget}]};
  }
  chart("chart-cost", {
    tooltip: {trigger: "axis"},
    legend: {top: 0, data: [data.labels.cost]},
    grid: {left: 80, right: 40, top: 40, bottom: 30},
    xAxis: {type: "category", data: days},
    yAxis: {type: "value", name: data.currency},
    series: [cost]
  });

  var limited = data.prizes.filter(function (p) { return p.stock !== null; });
  chart("chart-stock", {
    tooltip: {trigger: "axis"},
    legend: {type: "scroll", top: 0, data: limited.map(function (p) { return p.name; })},
    grid: {left: 60, right: 40, top: 40, bottom: 30},
    xAxis: {type: "category", data: days},
    yAxis: {type: "value"},
    series: limited.map(function (p) {
      var series = {type: "line", step: "end", name: p.name,
                    data: data.days.map(function (d) { return d.stock[p.key]; })};
      if (p.stockout) {
        series.markPoint = {symbolSize: 40, data: [{name: data.labels.stockout,
          coord: [p.stockout.slice(0, 10), 0], value: "0"}]};
      }
      return series;
    })
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
