# Shared by the project's scripts: installs the Debian packages listed in scripts/apt-packages
# that are missing, running `apt-get update` once first. Needs root or sudo only when something is missing.
ensure_system_packages() {
    local wanted missing=()
    wanted=$({ grep -v "^[[:space:]]*#" "$(dirname "${BASH_SOURCE[0]}")/apt-packages" || true; } | tr -s "[:space:]" " ")
    for package in $wanted; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

require_swift() {
    command -v swift >/dev/null || { echo "error: Swift 6.3 must be on PATH (see README)" >&2; exit 1; }
}
