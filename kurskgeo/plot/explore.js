// kurskgeo's time slider over folium's layers: one layer per map date.
// Every text from the data is written with textContent, never as HTML.
// Given before this code: kurskgeo_map (the L.map), kurskgeo_layers (one
// L.featureGroup per date, in date order).
(function (map, layers) {
  "use strict";
  var data = JSON.parse(document.getElementById("kurskgeo-data").textContent);
  var panel = document.getElementById("kurskgeo-panel");
  var slider = document.getElementById("kurskgeo-slider");
  var control = L.control({ position: "topright" });
  control.onAdd = function () {
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    return panel;
  };
  control.addTo(map);
  if (data.tiles) {
    L.control.attribution({ prefix: false }).addTo(map);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function claimItem(c, withButton) {
    var li = el("li");
    var v = el("span", c.verdict_text, "verdict");
    v.style.color = c.colour;
    li.append(v, " ", el("b", c.id), " (" + c.said + ")");
    if (c.statement) { li.append(": \u201c" + c.statement + "\u201d"); }
    li.append(el("div", c.claimed + (c.measured ? "; " + c.measured : ""), "small"));
    if (withButton && c.reason) { li.append(el("div", c.reason, "small")); }
    if (withButton && c.map !== null) {
      var b = el("button", "show its map");
      b.type = "button";
      b.addEventListener("click", function () { show(c.map); });
      li.append(b);
    }
    return li;
  }

  function show(i) {
    i = Math.max(0, Math.min(layers.length - 1, i));
    layers.forEach(function (layer, k) {
      if (k === i) { layer.addTo(map); } else { map.removeLayer(layer); }
    });
    slider.value = String(i);
    var d = data.dates[i];
    var date = document.getElementById("kurskgeo-date");
    date.textContent = d.text;
    date.setAttribute("data-date", d.iso);
    document.getElementById("kurskgeo-count").textContent =
      "Map " + (i + 1) + " of " + layers.length + (d.source ? " \u00b7 " + d.source : "");
    var areas = document.getElementById("kurskgeo-areas");
    areas.replaceChildren();
    d.areas.forEach(function (a) {
      var li = el("li");
      var key = el("span", "", "key");
      key.style.background = a.fill;
      li.append(key, a.label + ": " + a.area);
      areas.append(li);
    });
    if (d.total) { areas.append(el("li", "Together: " + d.total)); }
    var here = document.getElementById("kurskgeo-here");
    if (here) {
      here.replaceChildren();
      var on = data.claims.filter(function (c) { return c.map === i; });
      if (on.length) {
        here.append(el("div", "Claims judged on this map:", "small"));
        var ul = el("ul");
        on.forEach(function (c) { ul.append(claimItem(c, false)); });
        here.append(ul);
      }
    }
  }

  var all = document.getElementById("kurskgeo-claims");
  if (all) { data.claims.forEach(function (c) { all.append(claimItem(c, true)); }); }
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  document.getElementById("kurskgeo-prev").addEventListener("click", function () {
    show(Number(slider.value) - 1);
  });
  document.getElementById("kurskgeo-next").addEventListener("click", function () {
    show(Number(slider.value) + 1);
  });
  show(data.start);
})(kurskgeo_map, kurskgeo_layers);
