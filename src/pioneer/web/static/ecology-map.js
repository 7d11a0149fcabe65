/* Ecology registers on maps: the register points (drinking-water intakes, tailings ponds, hazardous-waste units,
   heavy-metal enterprises) from /api/v1/ecology/points.geojson on the ecology page (#eco-map) and as an optional
   layer of the overview map (#eco-layer, joining app.js's chart once it marks the map rendered); the EI trend chart
   (#ei-trend). No inline script or style (CSP); every tooltip text is escaped. */
(function () {
  "use strict";
  var en = (document.body.dataset.lang || "zh-CN") === "en";
  var STYLE = {
    water_sources: { symbol: "circle", color: "#1f78b4", size: 12 },
    tailings_ponds: { symbol: "triangle", color: "#8c510a", size: 13 },
    hw_units: { symbol: "diamond", color: "#d7301f", size: 13 },
    hm_enterprises: { symbol: "rect", color: "#6a3d9a", size: 10 },
  };

  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + " " + r.status); }
      return r.json();
    });
  }

  // one scatter series per register layer (legend entry = the layer's name from the page, in its language)
  function pointSeries(fc, names, geoIndex) {
    return Object.keys(STYLE).map(function (layer) {
      var st = STYLE[layer];
      var pts = fc.features.filter(function (f) { return f.properties.layer === layer; }).map(function (f) {
        var p = f.properties;
        return { name: p.name, value: f.geometry.coordinates, code: p.code, division: p.division_code,
                 detail: en ? p.detail_en : p.detail_zh };
      });
      return { id: "eco-" + layer, type: "scatter", coordinateSystem: "geo", geoIndex: geoIndex, zlevel: 2,
        name: names[layer], symbol: st.symbol, symbolSize: st.size, data: pts,
        itemStyle: { color: st.color, borderColor: "#fff", borderWidth: 1 } };
    });
  }

  function pointTip(p) {
    if (!p.data || !p.data.code) { return esc(p.name); }
    return esc(p.seriesName) + "<br>" + esc(p.name) + " (" + esc(p.data.code) + ")<br>" +
      esc(p.data.division) + (p.data.detail ? " · " + esc(p.data.detail) : "");
  }

  // --- the ecology page's own map ------------------------------------------------------------------------------
  var el = document.getElementById("eco-map");
  if (el && window.echarts) {
    var names = JSON.parse(el.dataset.layers);
    var url = "/api/v1/ecology/points.geojson" + (el.dataset.division ? "?division=" + encodeURIComponent(el.dataset.division) : "");
    Promise.all([getJSON("/static/maps/china-cities.geojson"), getJSON(url)]).then(function (res) {
      var geo = res[0], fc = res[1];
      echarts.registerMap("eco-cities", geo);
      var lon = fc.features.map(function (f) { return f.geometry.coordinates[0]; });
      var lat = fc.features.map(function (f) { return f.geometry.coordinates[1]; });
      var center = lon.length ? [(Math.min.apply(null, lon) + Math.max.apply(null, lon)) / 2,
                                 (Math.min.apply(null, lat) + Math.max.apply(null, lat)) / 2] : [105, 35];
      var span = lon.length ? Math.max(Math.max.apply(null, lon) - Math.min.apply(null, lon),
                                       Math.max.apply(null, lat) - Math.min.apply(null, lat), 0.5) : 40;
      var zoom = Math.max(1, Math.min(40, 40 / span));  // about the points' extent, never tighter than a county
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "item", confine: true, formatter: pointTip },
        legend: { bottom: 0, data: Object.keys(STYLE).map(function (k) { return names[k]; }) },
        geo: { map: "eco-cities", roam: true, center: center, zoom: zoom,
               itemStyle: { areaColor: "#f2f2f2", borderColor: "#999" }, label: { show: false } },
        series: pointSeries(fc, names, 0),
      });
      var note = document.getElementById("eco-map-note");
      if (note) {
        var un = Object.keys(fc.unlocated || {}).filter(function (k) { return fc.unlocated[k] > 0; });
        note.textContent = fc.features.length + " " + el.dataset.located + (un.length ? " · " + el.dataset.unlocated + " " +
          un.map(function (k) { return names[k] + " " + fc.unlocated[k]; }).join(", ") : "");
      }
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    }).catch(function (e) { el.textContent = String(e); });
  }

  // --- optional layer of the overview map (app.js announces its chart) -----------------------------------------
  var toggle = document.getElementById("eco-layer");
  var mapEl = document.getElementById("map");
  if (toggle && mapEl && window.echarts) {
    // app.js marks the map rendered (data-rendered="1") once its chart is set up: the layer joins that chart
    var attach = function () {
      var chart = echarts.getInstanceByDom(mapEl), names = JSON.parse(toggle.dataset.layers), loaded = null;
      if (!chart) { return; }
      var base = chart.getOption().legend[0].data.slice(), baseType = chart.getOption().legend[0].type || "plain";
      function show(on) {
        var ready = loaded ? Promise.resolve(loaded) : getJSON("/api/v1/ecology/points.geojson").then(function (fc) { loaded = fc; return fc; });
        ready.then(function (fc) {
          var series = pointSeries(on ? fc : { features: [] }, names, 0);
          // on a phone the longer legend stays on one scrolling row (it would cover the colour pieces above it)
          var narrow = mapEl.clientWidth < 640;
          chart.setOption({ series: series, legend: { type: on && narrow ? "scroll" : baseType,
            data: on ? base.concat(Object.keys(STYLE).map(function (k) { return names[k]; })) : base } });
          mapEl.dataset.ecoLayer = on ? String(fc.features.length) : "0";
        }).catch(function (e) { toggle.disabled = true; toggle.title = String(e); });
      }
      toggle.addEventListener("change", function () { show(toggle.checked); });
      if (toggle.checked) { show(true); }
    };
    if (mapEl.dataset.rendered === "1") { attach(); } else {
      var watch = new MutationObserver(function () {
        if (mapEl.dataset.rendered === "1") { watch.disconnect(); attach(); }
      });
      watch.observe(mapEl, { attributes: true, attributeFilter: ["data-rendered"] });
    }
  }

  // --- EI trend ----------------------------------------------------------------------------------------------
  var trend = document.getElementById("ei-trend"), data = document.getElementById("ei-data");
  if (trend && data && window.echarts) {
    var series = JSON.parse(data.textContent);
    var c = echarts.init(trend);
    c.setOption({
      tooltip: { trigger: "axis", confine: true, formatter: function (ps) {
        return [esc(ps.length ? ps[0].axisValueLabel : "")].concat(ps.map(function (p) {
          return esc(p.seriesName) + ": " + esc(p.value[1]);
        })).join("<br>");
      } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 50, right: 20, top: trend.clientWidth < 640 ? 56 : 40, bottom: 30 },
      xAxis: { type: "category" },
      yAxis: { type: "value", scale: true },  // the heading names the index (EI)
      series: series.map(function (s) {
        return { type: "line", name: s.name, data: s.points.map(function (p) { return [String(p[0]), p[1]]; }) };
      }),
    });
    trend.dataset.rendered = "1";
    window.addEventListener("resize", function () { c.resize(); });
  }
})();
