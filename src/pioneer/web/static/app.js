/* Pioneer pages: the overview map, the zone charts, sortable tables. Everything is fetched from this server. */
(function () {
  "use strict";
  var lang = document.body.dataset.lang || "zh-CN";
  var en = lang === "en";

  // Every value a tooltip formatter returns is HTML to ECharts: names (zone and division names are user data)
  // go through esc(), so that a stored "<img onerror=...>" shows as text and never runs.
  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // ECharts' own tooltip markup carries style attributes (colour dots, an arrow) that the CSP refuses: every
  // tooltip here has its own formatter (escaped text, no style) and `confine: true` (no arrow element).
  function axisTip(params) {
    var rows = params.map(function (p) {
      var v = Array.isArray(p.value) ? p.value[1] : p.value;
      return esc(p.seriesName) + ": " + esc(v === null || v === undefined ? "—" : v);
    });
    return [esc(params.length ? params[0].axisValueLabel : "")].concat(rows).join("<br>");
  }

  // Collapsible page sections (<details data-open-desktop>): open on a wide screen, closed on a phone (summary
  // first; the zone page is navigable by its tabs). Charts inside a section are resized when it opens.
  var wide = window.matchMedia ? window.matchMedia("(min-width: 900px)").matches : true;
  document.querySelectorAll("details[data-open-desktop]").forEach(function (d) {
    if (wide) { d.open = true; }
    d.addEventListener("toggle", function () {
      if (!d.open || !window.echarts) { return; }
      d.querySelectorAll(".chart").forEach(function (c) { var inst = echarts.getInstanceByDom(c); if (inst) { inst.resize(); } });
    });
  });
  // a tab link to a closed section opens it
  document.querySelectorAll("nav.tabs a[href^='#']").forEach(function (a) {
    a.addEventListener("click", function () {
      var target = document.getElementById(a.getAttribute("href").slice(1));
      if (target && target.tagName === "DETAILS") { target.open = true; }
    });
  });

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
    var q = "indicator=" + encodeURIComponent(mapEl.dataset.indicator) + (mapEl.dataset.year ? "&year=" + mapEl.dataset.year : "") +
      (mapEl.dataset.period ? "&period=" + encodeURIComponent(mapEl.dataset.period) : "");
    // a province or prefecture in focus: its province's 区县 replace that province's prefectures (the county
    // boundaries at the level shown; static/maps/counties/{province}.geojson, 2024 codes)
    var focusCode = /^\d{6}$/.test(mapEl.dataset.focus || "") ? mapEl.dataset.focus : "";
    var countyUrl = level === "city" && focusCode ? "/static/maps/counties/" + focusCode.slice(0, 2) + "0000.geojson" : null;
    Promise.all([getJSON(geoUrl), getJSON("/api/v1/overview?" + q), getJSON("/static/maps/centroids.json"),
                 getJSON("/static/maps/south-china-sea.geojson"),
                 countyUrl ? getJSON(countyUrl).catch(function () { return null; }) : null]).then(function (res) {
      var geo = res[0], ov = res[1], cps = res[2], nanhai = res[3], counties = res[4];
      var mapName = "china-" + level;
      if (counties && counties.features.length) {
        var prov = focusCode.slice(0, 2);
        geo = { type: "FeatureCollection", features: geo.features.filter(function (f) {
          return String(f.properties.code).slice(0, 2) !== prov;
        }).concat(counties.features.map(function (f) {
          return { type: "Feature", id: f.id, properties: { name: f.properties.name, code: f.properties.code, county: true }, geometry: f.geometry };
        })) };
        mapName = "china-counties-" + prov;
        mapEl.dataset.counties = String(counties.features.length);
      }
      echarts.registerMap(mapName, geo);
      var inset = nanhaiInset(nanhai);
      var tiers = JSON.parse(mapEl.dataset.tiers);
      var values = {};
      (level === "city" ? ov.cities : ov.provinces).forEach(function (p) { values[p.code] = p.value; });
      if (counties) { (ov.counties || []).forEach(function (p) { values[p.code] = p.value; }); }
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
      if (mapEl.clientWidth < 640) { visualMap.text = [ov.unit || "", ""]; }  // phone: the indicator is in the select above
      var chart = echarts.init(mapEl, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: { trigger: "item", confine: true, formatter: function (p) {
          if (p.seriesType === "scatter") { return esc(p.seriesName) + ": " + esc(p.name); }
          return esc(p.name) + ": " + esc(p.value === null || p.value === undefined || isNaN(p.value) ? mapEl.dataset.nodata : p.value + " " + ov.unit);
        } },
        legend: { bottom: 0, data: Object.keys(tierSymbol).map(function (t) { return tiers[t]; }) },
        visualMap: visualMap,
        geo: [Object.assign({ map: mapName, roam: true, itemStyle: { areaColor: "#eee", borderColor: "#999" }, label: { show: false } },
                            mapLayout(mapEl.clientWidth)[0]), Object.assign(inset.geo, mapLayout(mapEl.clientWidth)[1])],
        series: series.concat(inset.series),
      });
      var note = document.getElementById("legend-note");
      if (note) { note.textContent = (en ? lg.note_en : lg.note_zh) || ""; if (lg.source) { note.textContent += " [" + lg.source + "]"; } }
      chart.on("click", function (p) {
        if (p.data && p.data.code && p.seriesType === "scatter") { location.href = "/zones/" + p.data.code; return; }
        if (p.seriesType === "map" && p.data && p.data.code && (level === "province" || p.data.code !== focusCode) &&
            !/^\d{4}(0[1-9]|[1-9]\d)$/.test(p.data.code)) {  // drill down: province → its prefectures and counties → the prefecture
          location.href = "/?" + q + "&level=city&focus=" + encodeURIComponent(p.data.code);
        }
      });
      var focus = mapEl.dataset.focus && cps[mapEl.dataset.focus];
      if (focus && level === "city") {  // a prefecture closer than a province
        chart.setOption({ geo: [{ center: focus.cp, zoom: /0000$/.test(focusCode) ? 4 : 9 }] });
      }
      mapEl.dataset.rendered = "1";
      window.addEventListener("resize", function () {
        var lay = mapLayout(mapEl.clientWidth);
        chart.setOption({ geo: [{ layoutCenter: lay[0].layoutCenter, layoutSize: lay[0].layoutSize }, lay[1]] });
        chart.resize();
      });
    }).catch(function (e) { mapEl.textContent = String(e); });
  }

  // Where the main map and the 南海诸岛 inset sit: side by side on a wide chart; on a phone the main map at the
  // top, the inset below it at the right (the colour legend takes the bottom left).
  function mapLayout(width) {
    if (width < 640) {
      return [{ layoutCenter: ["50%", "32%"], layoutSize: "96%" }, { layoutCenter: ["80%", "76%"], layoutSize: "42%" }];
    }
    return [{ layoutCenter: ["45%", "47%"], layoutSize: "122%" }, { layoutCenter: ["88%", "70%"], layoutSize: "42%" }];
  }

  // 南海诸岛 inset (second geo, bottom right, not roamable) and the 十段线: every dash in the inset, and in the main
  // map the dashes that lie inside its extent (the one east of Taiwan). Geometry: static/maps/south-china-sea.geojson.
  function nanhaiInset(fc) {
    var land = fc.features.filter(function (f) { return f.properties.kind !== "dash"; });
    var dashes = fc.features.filter(function (f) { return f.properties.kind === "dash"; });
    echarts.registerMap("china-south-sea", { type: "FeatureCollection", features: land });
    var b = fc.bbox, frame = [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]];
    var dashStyle = { color: "#555", width: 2, opacity: 1 };
    function lines(id, geoIndex, list, style) {
      return { id: id, type: "lines", coordinateSystem: "geo", geoIndex: geoIndex, polyline: true, silent: true,
        lineStyle: style, data: list.map(function (c) { return { coords: c }; }) };
    }
    return {
      geo: { map: "china-south-sea", roam: false, silent: true,
        itemStyle: { areaColor: "#eee", borderColor: "#999" }, label: { show: false }, emphasis: { disabled: true } },
      series: [
        lines("nanhai-dashes", 1, dashes.map(function (f) { return f.geometry.coordinates; }), dashStyle),
        lines("main-dashes", 0, dashes.filter(function (f) { return f.properties.main; }).map(function (f) { return f.geometry.coordinates; }), dashStyle),
        lines("nanhai-frame", 1, [frame], { color: "#777", width: 1, opacity: 1 }),
        { id: "nanhai-label", type: "scatter", coordinateSystem: "geo", geoIndex: 1, silent: true, symbolSize: 0,
          label: { show: true, position: "left", color: "#333", fontSize: en ? 9 : 11, formatter: en ? "S. China Sea Is." : "南海诸岛" },
          data: [{ value: [b[2] - 0.5, b[1] + 1.2] }] },
      ],
    };
  }

  // --- zone page: domain scorecards and indicator trends --------------------------------------------------------
  var zd = document.getElementById("zone-data");
  if (zd && window.echarts) {
    var z = JSON.parse(zd.textContent);
    z.scorecards.forEach(function (card) {
      var sc = document.getElementById("scorecard-" + card.division_code);
      if (!sc) { return; }
      var doms = card.domains;
      var statusName = JSON.parse(sc.dataset.statuses || "{}");  // the page's code table (pioneer.web.i18n.code)
      var c1 = echarts.init(sc);
      c1.setOption({
        title: { text: card.division_code + " · " + card.year, textStyle: { fontSize: 13 } },
        tooltip: { confine: true, formatter: function (p) { var d = doms[p.dataIndex]; return esc(p.name) + ": " + esc(d.domain_score === null ? (statusName[d.domain_status] || d.domain_status) : d.domain_score.toFixed(1)) + " (" + esc(d.n_scored) + "/" + esc(d.n_indicators) + ")"; } },
        // phone: the legend under the chart (it overlapped the title) and a narrower label column
        grid: sc.clientWidth < 640 ? { left: en ? 150 : 110, right: 36, top: 36, bottom: 56 } : { left: 190, right: 40 },
        legend: sc.clientWidth < 640 ? { bottom: 0, left: "center", data: [sc.dataset.score, sc.dataset.coverage] }
                                     : { top: 0, right: 10, data: [sc.dataset.score, sc.dataset.coverage] },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", data: doms.map(function (d) { return en ? d.name_en : d.name_zh; }),
                 axisLabel: sc.clientWidth < 640 ? { width: en ? 140 : 100, overflow: "break", fontSize: 11, lineHeight: 13 } : {} },
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
          var targets = div.series.map(function (s) { return s.targets.filter(function (x) { return x.scope === "national"; })[0]; });
          var c2 = echarts.init(el);
          c2.setOption({
            tooltip: { trigger: "axis", confine: true, formatter: axisTip }, legend: { type: "scroll", selectedMode: "single", selected: selected },
            xAxis: { type: "category" }, yAxis: Object.assign({ type: "value" }, trendAxis(div.series[0], targets[0])),
            series: div.series.map(function (s, i) {
              var t = targets[i];
              return { type: "line", name: names[i], data: s.points.map(function (p) { return [String(p[0]), p[1]]; }),
                markLine: t ? { symbol: "none", label: { position: "insideEndTop", formatter: el.dataset.target + " " + t.comparator + " " + t.value + " (" + t.year + ")" },
                                lineStyle: { type: "dashed", color: "#c0392b" }, data: [{ yAxis: t.value }] } : undefined };
            }),
          });
          // the axis follows the series shown (one at a time) and always contains its target line
          var follow = function (e) {
            var i = names.indexOf(e.name);
            if (i >= 0) { c2.setOption({ yAxis: trendAxis(div.series[i], targets[i]) }); }
          };
          c2.on("legendselectchanged", follow);
          c2.on("legendselected", follow);
          el.dataset.rendered = "1";
        });
      });
    }
  }

  // A value axis that holds a series' points and its target, on round numbers: [lo − 10 %, hi + 10 %] widened to
  // a multiple of the power of ten below the span, never below zero for non-negative data.
  function trendAxis(series, target) {
    var vals = series.points.map(function (p) { return p[1]; }).filter(function (v) { return v !== null && isFinite(v); });
    if (target) { vals.push(target.value); }
    if (!vals.length) { return { min: null, max: null, scale: true }; }
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals), pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    var step = Math.pow(10, Math.floor(Math.log(hi - lo + 2 * pad) / Math.LN10));
    var min = Math.floor((lo - pad) / step) * step, max = Math.ceil((hi + pad) / step) * step;
    if (lo >= 0 && min < 0) { min = 0; }
    return { min: min, max: max, scale: false };
  }

  // --- forms that submit when a choice changes (data-autosubmit; no inline handlers under the CSP) -------------
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });

  // --- sortable tables ------------------------------------------------------------------------------------------
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, i) {
      th.classList.add("sortable-head");
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
