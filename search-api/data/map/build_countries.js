#!/usr/bin/env node
// Builds countries.tsv (one line per ISO 3166-1 country: alpha-2 code, its
// names in English, French, Spanish and Korean, its outline as an SVG path
// in the Equal Earth projection, and for a country too small to outline at
// 1:110m a marker's position) from two npm packages, unpacked in the folder
// given as the only argument:
//
//   mkdir /tmp/map && cd /tmp/map
//   npm pack world-atlas@2.0.2 i18n-iso-countries@7.14.0
//   for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
//   node build_countries.js /tmp/map > countries.tsv
//
// Run by hand, never at build time; the output is committed. No dependency
// beyond Node itself. search-api/src/ui/map.rs projects cities with the same
// formula and constants (WIDTH, the Equal Earth coefficients).
"use strict";
const fs = require("fs");
const path = require("path");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node build_countries.js DIR_WITH_UNPACKED_PACKAGES");
  process.exit(2);
}
const atlas = JSON.parse(
  fs.readFileSync(path.join(dir, "world-atlas-2.0.2/package/countries-110m.json"), "utf8"),
);
const isoDir = path.join(dir, "i18n-iso-countries-7.14.0/package");
const codes = JSON.parse(fs.readFileSync(path.join(isoDir, "codes.json"), "utf8"));
const langs = ["en", "fr", "es", "ko"];
const names = {};
for (const lang of langs) {
  names[lang] = JSON.parse(fs.readFileSync(path.join(isoDir, "langs", lang + ".json"), "utf8")).countries;
}

// Equal Earth (Šavrič, Patterson, Jenny 2018), scaled so the world is WIDTH wide.
const A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796;
const M = Math.sqrt(3) / 2;
const WIDTH = 1000;
function raw(lon, lat) {
  const l = (lon * Math.PI) / 180;
  const t = Math.asin(M * Math.sin((lat * Math.PI) / 180));
  const t2 = t * t, t6 = t2 * t2 * t2;
  const x = (l * Math.cos(t)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [x, y];
}
const XMAX = raw(180, 0)[0];
const YMAX = raw(0, 90)[1];
const SCALE = WIDTH / (2 * XMAX);
function project(lon, lat) {
  const [x, y] = raw(lon, lat);
  return [WIDTH / 2 + SCALE * x, SCALE * YMAX - SCALE * y];
}

// TopoJSON arcs: quantized and delta-encoded.
function decodeArcs(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
}
const arcs = decodeArcs(atlas);
function ringOf(arcs, indices) {
  const points = [];
  indices.forEach((i, k) => {
    const p = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
    points.push(...(k === 0 ? p : p.slice(1)));
  });
  return points;
}
const ring = (indices) => ringOf(arcs, indices);
const fmt = (v) => {
  const s = v.toFixed(1);
  return s.endsWith(".0") ? s.slice(0, -2) : s;
};
function ringPath(points) {
  const out = [];
  let last = "";
  for (const [lon, lat] of points) {
    const [x, y] = project(lon, lat);
    const p = fmt(x) + "," + fmt(y);
    if (p !== last) out.push(p);
    last = p;
  }
  if (out.length > 1 && out[0] === out[out.length - 1]) out.pop();
  if (out.length < 3) return "";
  return "M" + out.join(" ") + "Z";
}
// A ring that crosses the antimeridian jumps from 180° to -180°: its
// longitudes are made continuous (beyond ±180°), then it is drawn once
// clamped to [-180°, 180°] and once more shifted by 360° for the part past
// the line. Clamping a ring to a meridian fills exactly its part on this
// side (what lies beyond is pressed onto the line, with no area).
function ringPaths(points) {
  let offset = 0;
  let previous = null;
  const unwrapped = points.map(([lon, lat]) => {
    if (previous !== null) {
      const d = lon + offset - previous;
      if (d > 180) offset -= 360;
      else if (d < -180) offset += 360;
    }
    previous = lon + offset;
    return [lon + offset, lat];
  });
  const clamp = (shift) =>
    unwrapped.map(([lon, lat]) => [Math.max(-180, Math.min(180, lon + shift)), lat]);
  const lons = unwrapped.map((p) => p[0]);
  let d = ringPath(clamp(0));
  if (Math.max(...lons) > 180) d += ringPath(clamp(-360));
  if (Math.min(...lons) < -180) d += ringPath(clamp(360));
  return d;
}
function polygons(geometry) {
  if (geometry.type === "Polygon") return [geometry.arcs];
  if (geometry.type === "MultiPolygon") return geometry.arcs;
  return [];
}

// Natural Earth draws a few de facto territories ISO 3166-1 does not list:
// Kosovo has the user-assigned XK that most data sets use; Northern Cyprus
// and Somaliland are drawn as parts of CY and SO, as ISO 3166-1 counts them.
const unnumbered = { Kosovo: "XK", "N. Cyprus": "CY", Somaliland: "SO" };
const alpha2 = {};
for (const [a2, , num] of codes) alpha2[num] = a2;
const shapes = {};
for (const g of atlas.objects.countries.geometries) {
  const code = g.id ? alpha2[g.id] : unnumbered[g.properties.name];
  if (!code) {
    console.error("no ISO code for", g.id, g.properties.name);
    continue;
  }
  if (code === "AQ") continue; // no practice is filed in Antarctica; the map ends at 60° S
  const d = polygons(g)
    .map((rings) => rings.map((r) => ringPaths(ring(r))).join(""))
    .join("");
  shapes[code] = (shapes[code] || "") + d;
}

// Countries too small for 1:110m get a marker instead: the centre of the
// bounding box of their largest polygon at 1:50m (same package), projected.
const atlas50 = JSON.parse(
  fs.readFileSync(path.join(dir, "world-atlas-2.0.2/package/countries-50m.json"), "utf8"),
);
const arcs50 = decodeArcs(atlas50);
const markers = {};
for (const g of atlas50.objects.countries.geometries) {
  const code = g.id ? alpha2[g.id] : unnumbered[g.properties.name];
  if (!code || shapes[code] || code === "AQ") continue;
  let best = null;
  for (const rings of polygons(g)) {
    const outer = ringOf(arcs50, rings[0]);
    const lons = outer.map((p) => p[0]);
    const lats = outer.map((p) => p[1]);
    const box = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    const area = (box[2] - box[0]) * (box[3] - box[1]);
    if (!best || area > best.area) best = { area, box };
  }
  if (!best) continue;
  const [x, y] = project((best.box[0] + best.box[2]) / 2, (best.box[1] + best.box[3]) / 2);
  markers[code] = fmt(x) + "," + fmt(y);
}

const first = (v) => (Array.isArray(v) ? v[0] : v) || "";
const all = Object.keys(names.en).concat(["XK"].filter((c) => !(c in names.en)));
const lines = [
  "# code\ten\tfr\tes\tko\tpath\tmarker (Equal Earth, " + WIDTH + " wide, " + fmt(2 * SCALE * YMAX) +
    " high; Natural Earth 1:110m admin-0 via world-atlas 2.0.2; names from i18n-iso-countries 7.14.0)",
];
for (const code of all.sort()) {
  const row = [
    code,
    ...langs.map((l) => first(names[l][code]).replace(/[\t\n]/g, " ")),
    shapes[code] || "",
    markers[code] || "",
  ];
  lines.push(row.join("\t"));
}
process.stdout.write(lines.join("\n") + "\n");
