#!/bin/sh
# Brings the kits' PDF fonts (DejaVu Sans, regular and bold) and their
# licence from Debian's fonts-dejavu-core package into this folder.
# Run from this folder; needs apt-get (Debian or Ubuntu) and dpkg-deb.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download fonts-dejavu-core)
dpkg-deb -x "$work"/fonts-dejavu-core_*_all.deb "$work/x"
cp "$work/x/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" \
   "$work/x/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf" .
cp "$work/x/usr/share/doc/fonts-dejavu-core/copyright" LICENSE
sha256sum DejaVuSans.ttf DejaVuSans-Bold.ttf
