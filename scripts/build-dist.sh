#!/bin/sh
# `make dist`: the core as WebAssembly, bound for the web with wasm-bindgen,
# shrunk with wasm-opt (npm binaryen), and the static site in dist/www.
set -eu
cd "$(dirname "$0")/.."
cargo build -p iprev-extension --target wasm32-unknown-unknown --profile wasm-release --locked
wasm=target/wasm32-unknown-unknown/wasm-release/iprev_extension.wasm
rm -rf www/pkg
wasm-bindgen --target web --out-dir www/pkg "$wasm"
# -Oz with the features the module declares (its features section: keep `strip` off).
node_modules/.bin/wasm-opt -Oz www/pkg/iprev_extension_bg.wasm -o www/pkg/iprev_extension_bg.wasm.opt
mv www/pkg/iprev_extension_bg.wasm.opt www/pkg/iprev_extension_bg.wasm
rm -rf dist/www
mkdir -p dist/www/icons
cp -R www/index.html www/css www/js www/pkg dist/www/
rm -f dist/www/pkg/.gitignore dist/www/pkg/package.json
cp manifest/icons/*.png dist/www/icons/
echo "dist/www: $(du -sk dist/www | cut -f1) KB; wasm $(wc -c < dist/www/pkg/iprev_extension_bg.wasm) bytes"
