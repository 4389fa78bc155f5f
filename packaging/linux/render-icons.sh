#!/usr/bin/env bash
# Renders the committed icon files from resources/icons/switchboard.svg: the hicolor PNGs the
# .deb installs (linux/share/icons/NxN/switchboard.png) and the Windows .ico. Run it after
# changing the SVG and commit the result; building needs no SVG renderer.
# Needs rsvg-convert (apt-get install librsvg2-bin) and, for the .ico, ImageMagick's convert.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
svg="$here/../../resources/icons/switchboard.svg"
icons="$here/share/icons"
for size in 16 22 24 32 48 64 128 256 512; do
    mkdir -p "$icons/${size}x${size}"
    rsvg-convert -w "$size" -h "$size" "$svg" -o "$icons/${size}x${size}/switchboard.png"
done
convert "$icons"/{16x16,24x24,32x32,48x48,64x64,128x128,256x256}/switchboard.png "$here/../windows/switchboard.ico"
