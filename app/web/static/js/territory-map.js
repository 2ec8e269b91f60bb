// Draws a territory map's data (built by app/maps.py `territory_map`) on a Leaflet map: one
// loop over a compact array instead of a folium element per account. Names are set as text.
"use strict";

window.fieldrouteTerritories = function (map, data) {
  var reps = data.reps, color = function (i) {
    return i >= 0 ? reps[i].color : data.unassigned_color;
  };
  var fmt = function (v) { return Math.round(v).toLocaleString("en-US"); };
  data.hulls.forEach(function (h) {
    L.polygon(h[1], {color: color(h[0]), weight: 1, opacity: 0.6, fillOpacity: 0.07,
      interactive: false, className: "fr-territory"}).addTo(map);
  });
  data.accounts.forEach(function (a) {
    if (a[6] & 1 && a[3] >= 0 && reps[a[3]].home) {
      L.polyline([[a[0], a[1]], reps[a[3]].home], {color: color(a[3]), weight: 1.5,
        dashArray: "4 4", interactive: false, className: "fr-move-line"}).addTo(map);
    }
  });
  var describe = function (a) {
    var tip = a[4] + " \u00b7 " + fmt(a[5]);
    if (a[6] & 1) {
      tip += " \u00b7 moves " + (a[7] >= 0 ? reps[a[7]].name : "unassigned") + " \u2192 " +
        (a[3] >= 0 ? reps[a[3]].name : "unassigned");
    } else if (a[3] >= 0) {
      tip += " \u00b7 " + reps[a[3]].name;
    }
    if (a[6] & 2) { tip += " (locked)"; }
    return tip;
  };
  // Several accounts at one point: one marker, "3 accounts here", each listed in its popup.
  var inGroup = {};
  (data.groups || []).forEach(function (group) {
    var all = group.map(function (i) { inGroup[i] = true; return data.accounts[i]; });
    var first = all[0];
    var oneRep = all.every(function (a) { return a[3] === first[3]; });
    var heading = all.length + " accounts here";
    var icon = L.divIcon({className: "fr-account-group" +
      (all.some(function (a) { return a[6] & 1; }) ? " fr-moved-group" : ""),
      iconSize: [26, 26], html: "<span></span>"});
    var marker = L.marker([first[0], first[1]], {icon: icon, title: heading,
      zIndexOffset: 500}).addTo(map);
    var el = marker.getElement();
    el.style.background = oneRep ? color(first[3]) : data.mixed_color;
    el.firstChild.textContent = String(all.length);
    var box = document.createElement("div");
    box.className = "fr-group-box";
    var title = document.createElement("strong");
    title.textContent = heading;
    box.appendChild(title);
    var list = document.createElement("ul");
    all.forEach(function (a) {
      var item = document.createElement("li");
      var swatch = document.createElement("i");
      swatch.style.background = color(a[3]);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(describe(a)));
      list.appendChild(item);
    });
    box.appendChild(list);
    marker.bindPopup(box);
  });
  data.accounts.forEach(function (a, index) {
    if (inGroup[index]) { return; }
    var tip = describe(a);
    L.circleMarker([a[0], a[1]], {radius: a[2], color: color(a[3]), weight: 1,
      fillColor: color(a[3]), fillOpacity: 0.55, className: "fr-account"})
      .bindTooltip(function () { return document.createTextNode(tip); }).addTo(map);
    if (a[6] & 1) {
      L.circleMarker([a[0], a[1]], {radius: a[2] + 3, color: "#000", weight: 2, fill: false,
        interactive: false, className: "fr-moved"}).addTo(map);
    }
  });
  reps.forEach(function (r) {
    if (!r.home) { return; }
    var icon = L.divIcon({className: "fr-home", iconSize: [22, 22],
      html: "<span></span>"});
    var marker = L.marker(r.home, {icon: icon, title: r.name + " (home)",
      zIndexOffset: 1000}).addTo(map);
    var el = marker.getElement();
    el.style.background = r.color;
    el.firstChild.textContent = r.initials;
  });
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "fr-legend");
    var add = function (cls, color, text) {
      var row = L.DomUtil.create("div", "", div), sw = L.DomUtil.create("i", cls, row);
      if (color) { sw.style.background = color; }
      row.appendChild(document.createTextNode(text));
    };
    L.DomUtil.create("b", "", div).textContent = data.proposal ? "Proposed territories" :
      "Territories";
    reps.forEach(function (r) { add("", r.color, r.name + " (" + r.accounts + ")"); });
    if (data.unassigned) { add("", data.unassigned_color, "unassigned (" + data.unassigned + ")"); }
    add("fr-sq", "#555", "rep home");
    if (data.proposal) { add("fr-ring", null, "moved account"); }
    if (data.groups && data.groups.length) { add("", data.mixed_color, "numbered: accounts at one point"); }
    L.DomUtil.create("div", "", div).textContent = "circle area \u221d value";
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);
};
