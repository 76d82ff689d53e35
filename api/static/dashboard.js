/* Draws the brand page's charts from the JSON block the server rendered into the page. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = {
    negative: "#c0392b", neutral: "#98a2b3", positive: "#2e8b57", net: "#17324d",
    series: ["#2f6fb0", "#e07b39", "#7a5195", "#2e8b57", "#c0392b", "#00a3a3", "#b26a00", "#5f6b7a"]
  };
  Chart.defaults.animation = false;
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.maintainAspectRatio = false;
  var drawn = 0;

  function mark(canvas) {
    canvas.setAttribute("data-rendered", "true");
    drawn += 1;
  }

  var trendCanvas = document.getElementById("trend-chart");
  if (trendCanvas && data.trend) {
    new Chart(trendCanvas, {
      data: {
        labels: data.trend.labels,
        datasets: [
          { type: "bar", label: "Negative", data: data.trend.negative, backgroundColor: colours.negative, stack: "s", yAxisID: "y" },
          { type: "bar", label: "Neutral", data: data.trend.neutral, backgroundColor: colours.neutral, stack: "s", yAxisID: "y" },
          { type: "bar", label: "Positive", data: data.trend.positive, backgroundColor: colours.positive, stack: "s", yAxisID: "y" },
          { type: "line", label: "Net sentiment", data: data.trend.net, borderColor: colours.net, backgroundColor: colours.net,
            yAxisID: "net", pointRadius: 0, borderWidth: 2, spanGaps: true, tension: 0.25 }
        ]
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, ticks: { maxTicksLimit: 12 } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "mentions" } },
          net: { position: "right", min: -1, max: 1, grid: { drawOnChartArea: false }, title: { display: true, text: "net" } }
        }
      }
    });
    mark(trendCanvas);
  }

  var sovCanvas = document.getElementById("sov-chart");
  if (sovCanvas && data.sov) {
    var highlight = function (alpha) {
      return data.sov.brands.map(function (name) {
        return name === data.sov.highlight ? "rgba(23,50,77," + alpha + ")" : "rgba(47,111,176," + (alpha * 0.55) + ")";
      });
    };
    new Chart(sovCanvas, {
      type: "bar",
      data: {
        labels: data.sov.brands,
        datasets: [
          { label: "by mentions (%)", data: data.sov.mentions, backgroundColor: highlight(1) },
          { label: "by weighted reach (%)", data: data.sov.reach, backgroundColor: highlight(0.55), borderColor: "#17324d", borderWidth: 1 }
        ]
      },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 100, title: { display: true, text: "% of the group" } } } }
    });
    mark(sovCanvas);
  }

  var sovTrendCanvas = document.getElementById("sov-trend-chart");
  if (sovTrendCanvas && data.sovTrend) {
    new Chart(sovTrendCanvas, {
      type: "line",
      data: {
        labels: data.sovTrend.labels,
        datasets: data.sovTrend.series.map(function (s, i) {
          var c = colours.series[i % colours.series.length];
          return { label: s.brand, data: s.values, borderColor: c, backgroundColor: c + "55", fill: true, pointRadius: 0, borderWidth: 1.5 };
        })
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: { x: { ticks: { maxTicksLimit: 10 } }, y: { stacked: true, min: 0, max: 100, title: { display: true, text: "share %" } } }
      }
    });
    mark(sovTrendCanvas);
  }

  var sparks = document.querySelectorAll("canvas.topic-spark");
  Array.prototype.forEach.call(sparks, function (canvas) {
    var values = (data.topics || {})[canvas.getAttribute("data-topic")] || [];
    new Chart(canvas, {
      type: "line",
      data: { labels: values.map(function (_, i) { return i; }),
              datasets: [{ data: values, borderColor: "#2f6fb0", backgroundColor: "rgba(47,111,176,.2)", fill: true, pointRadius: 0, borderWidth: 1.5 }] },
      options: { plugins: { legend: { display: false }, tooltip: { enabled: false } },
                 scales: { x: { display: false }, y: { display: false, beginAtZero: true } } }
    });
    mark(canvas);
  });
  document.body.setAttribute("data-charts", String(drawn));
})();
