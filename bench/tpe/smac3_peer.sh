#!/usr/bin/env bash
# Lays out SMAC3 (the peer of knob's smac sampler) from source trees into one directory for
# PYTHONPATH, with its random forest (pyrfr) built by SWIG. SMAC3 has no Debian package;
# its Python dependencies that Debian has come from scripts/deps.sh (KNOB_WITH_BENCH=1).
#
# usage: bench/tpe/smac3_peer.sh OUT SMAC3 CONFIGSPACE PYNISHER RANDOM_FOREST_RUN TYPING_EXTENSIONS
#   each source a git directory (a clone or a bare mirror) of, in order: automl/SMAC3,
#   automl/ConfigSpace, automl/pynisher, automl/random_forest_run, python/typing_extensions.
#   SMAC3_REV (default v2.3.0): the last release whose forest is pyrfr's; 2.4 moved to
#   scikit-learn's forest and needs scikit-learn 1.6, newer than Debian 12's 1.2.
#   ConfigSpace needs typing_extensions' `deprecated` (4.5), newer than Debian 12's 4.4.
# Then: PYTHONPATH=OUT /usr/bin/python3 bench/tpe/smac3_speed.py --n 1000
set -euo pipefail
out=${1:?usage: smac3_peer.sh OUT SMAC3 CONFIGSPACE PYNISHER RANDOM_FOREST_RUN TYPING_EXTENSIONS}
smac=$2 cs=$3 pyn=$4 rfr=$5 tx=$6
rev=${SMAC3_REV:-v2.3.0}
mkdir -p "$out"
out=$(cd "$out" && pwd)
git --git-dir="$smac" archive "$rev" smac | tar x -C "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git --git-dir="$cs" archive HEAD src/ConfigSpace | tar x -C "$tmp"
rm -rf "$out/ConfigSpace"
mv "$tmp/src/ConfigSpace" "$out/"
git --git-dir="$pyn" archive HEAD pynisher | tar x -C "$out"
git --git-dir="$tx" show HEAD:src/typing_extensions.py > "$out/typing_extensions.py"
# pyrfr: the SWIG interfaces and the C++ headers; its docstrings come from Doxygen in its own
# build, and the bindings work without them (an empty docstrings.i).
git --git-dir="$rfr" archive HEAD pyrfr include | tar x -C "$tmp"
cd "$tmp/pyrfr"
cp -r ../include .
touch pyrfr/docstrings.i
sed -i 's/\${RFR_VERSION_MAJOR}/0/; s/\${RFR_VERSION_MINOR}/9/; s/\${RFR_VERSION_RELEASE}/0/' \
    setup.py pyrfr/__init__.py
/usr/bin/python3 setup.py -q build_ext --inplace --swig swig
rm -rf "$out/pyrfr"
mkdir "$out/pyrfr"
cp pyrfr/*.py pyrfr/*.so "$out/pyrfr/"
PYTHONPATH=$out /usr/bin/python3 -c "import smac, pyrfr.regression; print('smac', smac.version)"
