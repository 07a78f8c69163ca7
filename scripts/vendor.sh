#!/usr/bin/env bash
# Copy the studio's front-end components from node_modules (installed from package-lock.json)
# into builder/static/vendor, which is committed: `make run` needs no Node on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent
out=builder/static/vendor
rm -rf "$out"
mkdir -p "$out/query-builder/i18n" "$out/echarts"
qb=node_modules/jQuery-QueryBuilder/dist
cp "$qb/js/query-builder.standalone.js" "$qb/css/query-builder.default.css" "$out/query-builder/"
cp "$qb/i18n/query-builder.zh-CN.js" "$out/query-builder/i18n/"
cp node_modules/jQuery-QueryBuilder/LICENSE "$out/query-builder/LICENSE"
cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE "$out/echarts/"
cp node_modules/echarts/i18n/langEN.js "$out/echarts/"
node -e 'const l=require("./package-lock.json").packages;for(const k of Object.keys(l)){if(k)console.log(k.replace("node_modules/",""),l[k].version)}' \
  > "$out/VERSIONS.txt"
echo "vendored into $out:"; cat "$out/VERSIONS.txt"
