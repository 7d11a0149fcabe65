/* Pioneer pages: the overview map, the zone charts, sortable tables. Everything is fetched from this server. */
(function () {
  "use strict";
  var lang = document.body.dataset.lang || "zh-CN";
  var en = lang === "en";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + " " + r.status); }
      return r.json();
    });
  }

  // --- national overview map ---------------------------------------------------------------------------------
  var mapEl = document.getElementById("map");
  if (mapEl && window.echarts) {
    var q = "indicator=" + encodeURIComponent(mapEl.dataset.indicator) + (mapEl.dataset.year ? "&year=" + mapEl.dataset.year : "");
    Promise.all([getJSON("/static/maps/china.geojson"), getJSON("/api/v1/overview?" + q)]).then(function (res) {
      var geo = res[0], ov = res[1];
      echarts.registerMap("china", geo);
      var tiers = JSON.parse(mapEl.dataset.tiers);
      var centre = {};
      var names = {};
      geo.features.forEach(function (f) { centre[f.properties.code] = f.properties.cp; names[f.properties.code] = f.properties.name; });
      var values = {};
      ov.provinces.forEach(function (p) { if (p.value !== null) { values[p.code] = p.value; } });
      var data = geo.features.map(function (f) {
        var v = values[f.properties.code];
        return { name: f.properties.name, value: v === undefined ? null : v, code: f.properties.code };
      });
      var vals = Object.keys(values).map(function (k) { return values[k]; });
      var lo = vals.length ? Math.min.apply(null, vals) : 0, hi = vals.length ? Math.max.apply(null, vals) : 1;
      if (lo === hi) { lo = Math.max(0, lo - 10); hi = hi + 10; }
      var tierSymbol = { region: "diamond", province: "rect", city: "circle", county: "triangle" };
      var tierSize = { region: 18, province: 16, city: 14, county: 10 };
      var series = [{
        type: "map", map: "china", roam: true, name: en ? ov.name_en : ov.name_zh, geoIndex: 0, data: data,
      }];
      Object.keys(tierSymbol).forEach(function (tier) {
        var pts = ov.zones.filter(function (z) { return z.tier === tier; }).map(function (z, i) {
          var code = z.division_codes[0], prov = code.slice(0, 2) + "0000";
          var c = centre[prov] || [105, 35];
          return { name: (en && z.name_en) ? z.name_en : z.name_zh, value: [c[0] + 0.6 * (i % 3), c[1] - 0.5 * Math.floor(i / 3)], code: z.code };
        });
        series.push({ type: "scatter", coordinateSystem: "geo", name: tiers[tier], symbol: tierSymbol[tier],
          symbolSize: tierSize[tier], data: pts, itemStyle: { color: "#1f5f8b", borderColor: "#fff" } });
      });
      var chart = echarts.init(mapEl, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          if (p.seriesType === "scatter") { return p.seriesName + ": " + p.name; }
          return p.name + ": " + (p.value === null || isNaN(p.value) ? mapEl.dataset.nodata : p.value + " " + ov.unit);
        } },
        legend: { bottom: 0, data: Object.keys(tierSymbol).map(function (t) { return tiers[t]; }) },
        visualMap: { min: lo, max: hi, calculable: true, left: 10, bottom: 40, seriesIndex: 0,
          text: [(en ? ov.name_en : ov.name_zh) + " (" + ov.unit + ")", ""],
          inRange: { color: ["#00e400", "#ffff00", "#ff7e00", "#ff0000"] }, outOfRange: { color: "#ddd" } },
        geo: { map: "china", roam: true, itemStyle: { areaColor: "#eee", borderColor: "#999" }, label: { show: false } },
        series: series,
      });
      chart.on("click", function (p) { if (p.data && p.data.code && p.seriesType === "scatter") { location.href = "/zones/" + p.data.code; } });
      mapEl.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    }).catch(function (e) { mapEl.textContent = String(e); });
  }

  // --- zone page: scorecard and trend --------------------------------------------------------------------------
  var zd = document.getElementById("zone-data");
  if (zd && window.echarts) {
    var z = JSON.parse(zd.textContent);
    var sc = document.getElementById("scorecard");
    if (sc && z.results.length) {
      var site = z.results[0].site;
      var rows = z.results.filter(function (r) { return r.site === site && r.target && r.value !== null; });
      var c1 = echarts.init(sc);
      c1.setOption({
        title: { text: site + " · " + z.year, textStyle: { fontSize: 13 } },
        tooltip: {}, grid: { left: 200, right: 30 },
        xAxis: { type: "value", name: en ? "value / GB 3095 class-2 limit" : "数值 / GB 3095 二级限值" },
        yAxis: { type: "category", data: rows.map(function (r) { return en ? r.name_en : r.name_zh; }) },
        series: [{ type: "bar", data: rows.map(function (r) {
          var ratio = Math.round(100 * r.value / r.target) / 100;
          return { value: ratio, itemStyle: { color: ratio <= 1 ? "#2e8b57" : "#c0392b" } };
        }) }],
      });
      sc.dataset.rendered = "1";
    }
    var tr = document.getElementById("trend");
    if (tr) {
      getJSON("/api/v1/zones/" + encodeURIComponent(tr.dataset.zone) + "/trends").then(function (d) {
        var c2 = echarts.init(tr);
        c2.setOption({
          tooltip: { trigger: "axis" }, legend: { type: "scroll" },
          xAxis: { type: "category" }, yAxis: { type: "value", name: "µg/m³" },
          series: d.series.map(function (s) { return { type: "line", name: s.site, showSymbol: false, data: s.points }; }),
        });
        tr.dataset.rendered = "1";
      });
    }
  }

  // --- sortable tables ------------------------------------------------------------------------------------------
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, i) {
      th.style.cursor = "pointer";
      th.addEventListener("click", function () {
        var body = table.tBodies[0], asc = th.dataset.dir !== "asc";
        th.dataset.dir = asc ? "asc" : "desc";
        var num = th.dataset.type === "num";
        Array.prototype.slice.call(body.rows).sort(function (a, b) {
          var x = a.cells[i].textContent.trim(), y = b.cells[i].textContent.trim();
          var r = num ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return asc ? r : -r;
        }).forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
