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
    var level = mapEl.dataset.level === "city" ? "city" : "province";
    var geoUrl = level === "city" ? "/static/maps/china-cities.geojson" : "/static/maps/china.geojson";
    var q = "indicator=" + encodeURIComponent(mapEl.dataset.indicator) + (mapEl.dataset.year ? "&year=" + mapEl.dataset.year : "");
    Promise.all([getJSON(geoUrl), getJSON("/api/v1/overview?" + q), getJSON("/static/maps/centroids.json")]).then(function (res) {
      var geo = res[0], ov = res[1], cps = res[2];
      var mapName = "china-" + level;
      echarts.registerMap(mapName, geo);
      var tiers = JSON.parse(mapEl.dataset.tiers);
      var values = {};
      (level === "city" ? ov.cities : ov.provinces).forEach(function (p) { values[p.code] = p.value; });
      var data = geo.features.map(function (f) {
        var v = values[f.properties.code];
        return { name: f.properties.name, value: v === undefined ? null : v, code: f.properties.code };
      });
      var vals = Object.keys(values).map(function (k) { return values[k]; });
      var lo = vals.length ? Math.min.apply(null, vals) : 0, hi = vals.length ? Math.max.apply(null, vals) : 1;
      if (lo === hi) { lo = Math.max(0, lo - 10); hi = hi + 10; }
      // a zone's marker sits at its own division's point, else the nearest enclosing one (prefecture, province)
      function point(code) {
        var tries = [code, code.slice(0, 4) + "00", code.slice(0, 2) + "0000"];
        for (var i = 0; i < tries.length; i++) { if (cps[tries[i]]) { return cps[tries[i]].cp; } }
        return [105, 35];
      }
      var tierSymbol = { region: "diamond", province: "rect", city: "circle", county: "triangle" };
      var tierSize = { region: 18, province: 16, city: 13, county: 10 };
      var series = [{ type: "map", map: mapName, roam: true, name: en ? ov.name_en : ov.name_zh, geoIndex: 0, data: data }];
      Object.keys(tierSymbol).forEach(function (tier) {
        var pts = ov.zones.filter(function (z) { return z.tier === tier; }).map(function (z) {
          return { name: (en && z.name_en) ? z.name_en : z.name_zh, value: point(z.division_codes[0]), code: z.code, division: z.division_codes[0] };
        });
        series.push({ type: "scatter", coordinateSystem: "geo", name: tiers[tier], symbol: tierSymbol[tier], zlevel: 1,
          symbolSize: tierSize[tier], data: pts, itemStyle: { color: "#1f5f8b", borderColor: "#fff", borderWidth: 1 } });
      });
      var lg = ov.legend || { type: "continuous", colors: ["#2E9B4E", "#F2D43A", "#D7301F"] };
      var title = (en ? ov.name_en : ov.name_zh) + (ov.unit ? " (" + ov.unit + ")" : "");
      var visualMap = lg.type === "pieces" ? {
        type: "piecewise", left: 10, bottom: 40, seriesIndex: 0, text: [title, ""], showLabel: true,
        pieces: lg.pieces.map(function (p) {
          var piece = { min: p.min, color: p.color, label: (en ? p.label_en : p.label_zh) + " " + p.min + (p.max === null ? "+" : "–" + p.max) };
          if (p.max !== null) { piece.max = p.max; }
          return piece;
        }), outOfRange: { color: "#ddd" },
      } : { min: lo, max: hi, calculable: true, left: 10, bottom: 40, seriesIndex: 0, text: [title, ""],
            inRange: { color: lg.colors }, outOfRange: { color: "#ddd" } };
      var chart = echarts.init(mapEl, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          if (p.seriesType === "scatter") { return p.seriesName + ": " + p.name; }
          return p.name + ": " + (p.value === null || p.value === undefined || isNaN(p.value) ? mapEl.dataset.nodata : p.value + " " + ov.unit);
        } },
        legend: { bottom: 0, data: Object.keys(tierSymbol).map(function (t) { return tiers[t]; }) },
        visualMap: visualMap,
        geo: { map: mapName, roam: true, itemStyle: { areaColor: "#eee", borderColor: "#999" }, label: { show: false } },
        series: series,
      });
      var note = document.getElementById("legend-note");
      if (note) { note.textContent = (en ? lg.note_en : lg.note_zh) || ""; if (lg.source) { note.textContent += " [" + lg.source + "]"; } }
      chart.on("click", function (p) {
        if (p.data && p.data.code && p.seriesType === "scatter") { location.href = "/zones/" + p.data.code; return; }
        if (p.seriesType === "map" && p.data && p.data.code && level === "province") {  // drill down to prefectures
          location.href = "/?" + q + "&level=city&focus=" + encodeURIComponent(p.data.code);
        }
      });
      var focus = mapEl.dataset.focus && cps[mapEl.dataset.focus];
      if (focus && level === "city") {
        chart.setOption({ geo: { center: focus.cp, zoom: 4 } });
      }
      mapEl.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    }).catch(function (e) { mapEl.textContent = String(e); });
  }

  // --- zone page: domain scorecards and indicator trends --------------------------------------------------------
  var zd = document.getElementById("zone-data");
  if (zd && window.echarts) {
    var z = JSON.parse(zd.textContent);
    z.scorecards.forEach(function (card) {
      var sc = document.getElementById("scorecard-" + card.division_code);
      if (!sc) { return; }
      var doms = card.domains;
      var c1 = echarts.init(sc);
      c1.setOption({
        title: { text: card.division_code + " · " + card.year, textStyle: { fontSize: 13 } },
        tooltip: { formatter: function (p) { var d = doms[p.dataIndex]; return p.name + ": " + (d.domain_score === null ? d.domain_status : d.domain_score.toFixed(1)) + " (" + d.n_scored + "/" + d.n_indicators + ")"; } },
        grid: { left: 190, right: 40 },
        legend: { top: 0, right: 10, data: [sc.dataset.score, sc.dataset.coverage] },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", data: doms.map(function (d) { return en ? d.name_en : d.name_zh; }) },
        series: [
          { type: "bar", name: sc.dataset.score, label: { show: true, position: "right", formatter: function (p) { var d = doms[p.dataIndex]; return d.domain_score === null ? "—" : d.domain_score.toFixed(0); } },
            data: doms.map(function (d) { var v = d.domain_score; return { value: v === null ? 0 : v, itemStyle: { color: v === null ? "#ccc" : (v >= 60 ? "#2e8b57" : v >= 30 ? "#e6a23c" : "#c0392b") } }; }) },
          { type: "bar", name: sc.dataset.coverage, itemStyle: { color: "#b8c7d6" }, label: { show: true, position: "right", fontSize: 10, formatter: function (p) { var d = doms[p.dataIndex]; return d.n_scored + "/" + d.n_indicators; } },
            data: doms.map(function (d) { return d.n_indicators ? Math.round(100 * d.n_scored / d.n_indicators) : 0; }) },
        ],
      });
      sc.dataset.rendered = "1";
    });
    var trendEls = document.querySelectorAll(".chart.trend");
    if (trendEls.length) {
      getJSON("/api/v1/zones/" + encodeURIComponent(trendEls[0].dataset.zone) + "/trends").then(function (d) {
        trendEls.forEach(function (el) {
          var div = d.divisions.filter(function (x) { return x.division_code === el.dataset.division; })[0];
          if (!div) { return; }
          var names = div.series.map(function (s) { return (en ? s.name_en : s.name_zh) + (s.unit ? " (" + s.unit + ")" : ""); });
          var selected = {};
          names.forEach(function (n, i) { selected[n] = i === 0; });
          var c2 = echarts.init(el);
          c2.setOption({
            tooltip: { trigger: "axis" }, legend: { type: "scroll", selectedMode: "single", selected: selected },
            xAxis: { type: "category" }, yAxis: { type: "value", scale: true },
            series: div.series.map(function (s, i) {
              var t = s.targets.filter(function (x) { return x.scope === "national"; })[0];
              return { type: "line", name: names[i], data: s.points.map(function (p) { return [String(p[0]), p[1]]; }),
                markLine: t ? { symbol: "none", label: { formatter: t.comparator + " " + t.value + " (" + t.year + ")" }, data: [{ yAxis: t.value }] } : undefined };
            }),
          });
          el.dataset.rendered = "1";
        });
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
