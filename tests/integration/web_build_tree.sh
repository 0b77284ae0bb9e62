#!/usr/bin/env bash
# web/build.sh writes only into the directory it is given (the build's web/): the page, its
# lock and the npm packages; the source tree is left as it is, so that a build works from a
# read-only or shared checkout (it wrote web/.build.lock and web/node_modules there). Run on a
# copy of web/, with the build's npm packages linked into the directory given (no npm run), and
# with a broken package in the copy's own node_modules, which the build must not use.
source "$(dirname "$0")/lib.bash"
: "${KNOB_BUILD:?KNOB_BUILD must name the build tree}"
command -v node > /dev/null || skip "no node: knob is built without its page"
[ -d "$KNOB_BUILD/web/node_modules" ] || skip "no npm packages in $KNOB_BUILD/web (KNOB_WEB=OFF?)"
mkdir src out
cp -r "$KNOB_SRC/web" src/web
rm -rf src/web/node_modules src/web/.build.lock # a checkout's leftovers of older builds
# A node_modules an older build left in the source tree is not looked in: its echarts here is
# broken, and the page must come from the build's packages all the same.
mkdir -p src/web/node_modules/echarts
echo 'export const broken = ;' > src/web/node_modules/echarts/core.js
cat > src/web/node_modules/echarts/package.json << 'JSON'
{"name": "echarts", "version": "0.0.0", "exports": {"./core": "./core.js",
 "./charts": "./core.js", "./components": "./core.js", "./renderers": "./core.js"}}
JSON
(cd src/web && find . | sort) > before.txt
ln -s "$KNOB_BUILD/web/node_modules" out/node_modules
bash src/web/build.sh "$T/out/page.html" "$T/out" > build.txt 2>&1 ||
    fail "build.sh: $(cat build.txt)"
(cd src/web && find . | sort) > after.txt
diff before.txt after.txt > diff.txt || fail "build.sh wrote into the sources: $(cat diff.txt)"
grep -q 'KNOB_DATA' out/page.html || fail "no page: $(head -c 300 out/page.html)"
cmp -s out/page.html "$KNOB_BUILD/web/page.html" || fail "the page differs from the build's"
echo ok
