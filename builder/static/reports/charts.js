/* Report charts (ECharts, vendored): the campaign report and its retrospective, the overview
 * and the branch report. The figures come from the server in #report-data; every figure is
 * also in a table on the page (and its CSV). A chart marks itself data-rendered="1" and
 * data-total="<sum of its main series>" once drawn. */
(function () {
  "use strict";
  var node = document.getElementById("report-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var L = data.labels || {};
  var zh = data.lang === "zh";
  var charts = [];

  function sum(values) {
    return values.reduce(function (a, b) { return a + (+b || 0); }, 0);
  }

  function chart(id, option, main) {
    var el = document.getElementById(id);
    if (!el) return null;
    var instance = window.echarts.init(el, null, {renderer: "svg", locale: zh ? "ZH" : "EN"});
    option.animation = false;
    instance.setOption(option);
    el.setAttribute("data-rendered", "1");
    el.setAttribute("data-total", String(sum(main || [])));
    charts.push(instance);
    return instance;
  }

  // The legend sits in its own band at the top; the grid starts below it and keeps its axis
  // labels inside itself (containLabel), so neither runs into the other.
  var LEGEND = {type: "scroll", top: 4, left: "center"};
  var LEGEND_BAND = 44;

  function grid(left, right, bottom) {
    return {left: left, right: right, top: LEGEND_BAND, bottom: bottom, containLabel: true};
  }

  function pick(rows, key) { return rows.map(function (r) { return r[key]; }); }

  function line(name, values, extra) {
    var series = {type: "line", name: name, smooth: true, showSymbol: false, data: values};
    for (var k in extra || {}) series[k] = extra[k];
    return series;
  }

  function campaign() {
    var days = pick(data.daily, "day");
    var daily = [
      line(L.draws, pick(data.daily, "draws")),
      line(L.joins, pick(data.daily, "joins")),
      line(L.visitors, pick(data.daily, "visitors"))
    ];
    if (data.other) {
      daily.push(line(L.draws + " · " + data.other.name, pick(data.other.daily, "draws"),
                      {lineStyle: {type: "dashed"}}));
    }
    chart("chart-daily", {
      tooltip: {trigger: "axis"}, legend: LEGEND, grid: grid(16, 30, 16),
      xAxis: {type: "category", data: days}, yAxis: {type: "value"}, series: daily
    }, pick(data.daily, "draws").concat(pick(data.daily, "joins")));

    chart("chart-hourly", {
      tooltip: {trigger: "axis"}, legend: LEGEND, grid: grid(16, 30, 40),
      dataZoom: [{type: "slider", height: 18, bottom: 10}],
      xAxis: {type: "category", data: pick(data.hourly, "hour")}, yAxis: {type: "value"},
      series: [
        {type: "bar", name: L.draws, data: pick(data.hourly, "draws")},
        line(L.joins, pick(data.hourly, "joins")),
        line(L.views, pick(data.hourly, "views"))
      ]
    }, pick(data.hourly, "draws").concat(pick(data.hourly, "joins")));

    chart("chart-funnel", {
      tooltip: {trigger: "item"},
      series: [{type: "funnel", sort: "none", left: 10, right: 10, top: 10, bottom: 10,
                minSize: "8%", label: {formatter: "{b}: {c}"},
                data: data.funnel.map(function (f) { return {name: f.label, value: f.value}; })}]
    }, pick(data.funnel, "value"));

    chart("chart-prizes", {
      tooltip: {trigger: "axis"}, legend: LEGEND, grid: grid(16, 30, 16),
      xAxis: {type: "value"},
      yAxis: {type: "category", inverse: true, data: pick(data.prizes, "name")},
      series: [
        {type: "bar", name: L.wins, data: pick(data.prizes, "draws")},
        {type: "bar", name: L.rewards, data: pick(data.prizes, "rewards")}
      ]
    }, pick(data.prizes, "draws"));

    var cost = line(L.cost, pick(data.daily, "total_cost").map(function (v) { return +v.toFixed(2); }),
                    {areaStyle: {opacity: 0.15}});
    if (data.budget !== null) {
      cost.markLine = {symbol: "none", label: {formatter: L.budget + " {c}"},
                       lineStyle: {color: "#d9534f", type: "dashed"}, data: [{yAxis: data.budget}]};
    }
    chart("chart-cost", {
      tooltip: {trigger: "axis"},
      grid: {left: 70, right: 40, top: 30, bottom: 40},
      xAxis: {type: "category", data: days}, yAxis: {type: "value", name: data.currency},
      series: [cost]
    }, pick(data.daily, "cost"));

    chart("chart-branches", {
      tooltip: {trigger: "axis"}, legend: LEGEND, grid: grid(16, 30, 16),
      xAxis: {type: "value"},
      yAxis: {type: "category", inverse: true,
              data: data.branches.map(function (b) { return b.name || "—"; })},
      series: [{type: "bar", name: L.draws, data: pick(data.branches, "draws")},
               {type: "bar", name: L.joins, data: pick(data.branches, "joins")}]
    }, pick(data.branches, "draws"));

    chart("chart-decay", {
      tooltip: {trigger: "axis"},
      grid: {left: 60, right: 30, top: 30, bottom: 40},
      xAxis: {type: "category", name: L.days_since, nameLocation: "middle", nameGap: 28,
              data: pick(data.decay, "age")},
      yAxis: {type: "value"},
      series: [{type: "bar", name: L.shares, data: pick(data.decay, "shares")}]
    }, pick(data.decay, "shares"));

    chart("chart-channels", {
      tooltip: {trigger: "item"},
      series: [{type: "pie", radius: ["35%", "70%"],
                data: data.channels.map(function (c) { return {name: c.channel, value: c.shares}; })}]
    }, pick(data.channels, "shares"));

    chart("chart-votes", {
      tooltip: {trigger: "axis"},
      grid: {left: 120, right: 30, top: 20, bottom: 30},
      xAxis: {type: "value"},
      yAxis: {type: "category", inverse: true, data: pick(data.votes, "name")},
      series: [{type: "bar", name: L.votes, data: pick(data.votes, "votes")}]
    }, pick(data.votes, "votes"));

    var depths = Object.keys(data.depths);
    chart("chart-depths", {
      tooltip: {trigger: "axis"},
      grid: {left: 60, right: 30, top: 20, bottom: 30},
      xAxis: {type: "category", data: depths}, yAxis: {type: "value", name: L.people},
      series: [{type: "bar", data: depths.map(function (d) { return data.depths[d]; })}]
    }, depths.map(function (d) { return data.depths[d]; }));
  }

  function overview() {
    var ranking = chart("chart-ranking", {
      tooltip: {trigger: "axis"}, legend: LEGEND, grid: grid(16, 30, 16),
      xAxis: {type: "value"},
      yAxis: {type: "category", inverse: true, data: pick(data.branches, "name")},
      series: [{type: "bar", name: L.draws, data: pick(data.branches, "draws")},
               {type: "bar", name: L.before, data: pick(data.branches, "before")}]
    }, pick(data.branches, "draws"));
    if (ranking) {
      ranking.on("click", function (params) {  // drill down into the branch clicked
        var row = data.branches[params.dataIndex];
        if (row && row.id) window.location.href = data.drill + "?branch=" + row.id;
      });
    }
    chart("chart-trend", {
      tooltip: {trigger: "axis"}, legend: LEGEND, grid: grid(16, 30, 16),
      xAxis: {type: "category", data: pick(data.daily, "day")}, yAxis: {type: "value"},
      series: [line(L.draws, pick(data.daily, "draws_now")),
               line(L.draws + " · " + L.before, pick(data.daily, "draws_before"),
                    {lineStyle: {type: "dashed"}})]
    }, pick(data.daily, "draws_now"));
  }

  function branch() {
    chart("chart-branch-daily", {
      tooltip: {trigger: "axis"}, legend: LEGEND, grid: grid(16, 30, 16),
      xAxis: {type: "category", data: pick(data.daily, "day")}, yAxis: {type: "value"},
      series: [line(L.draws, pick(data.daily, "draws")), line(L.joins, pick(data.daily, "joins")),
               line(L.wins, pick(data.daily, "wins"))]
    }, pick(data.daily, "draws").concat(pick(data.daily, "joins")));
  }

  if (data.funnel) campaign();
  else if (data.drill) overview();
  else branch();

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  var printButton = document.querySelector("[data-print]");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });
})();
