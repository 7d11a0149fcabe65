#!/usr/bin/env bash
# Install the Debian packages Pioneer needs, when running as root on Debian; otherwise check and explain.
#   --demo : only what `make demo` needs (fonts for charts); default: everything `make test` needs.
set -euo pipefail
if [[ "${1:-}" == "--demo" ]]; then
  pkgs=(fonts-noto-cjk)
else
  pkgs=(postgresql chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libreoffice-writer-nogui
        libreoffice-calc-nogui)  # Calc: tests open written and formula workbooks as users would
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "缺少系统软件包 / missing system packages: ${missing[*]} — install them with apt-get as root." >&2
  [[ "${1:-}" == "--demo" ]] || exit 1
fi
