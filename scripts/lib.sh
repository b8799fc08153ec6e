# Shared by the project's scripts. Installs only what is missing; needs root or sudo only then.

# apt-get install, after one apt-get update.
apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing system packages: $*"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

# The Debian packages listed in scripts/apt-packages that are not installed yet.
ensure_system_packages() {
    local wanted missing=()
    wanted=$({ grep -v "^[[:space:]]*#" "$(dirname "${BASH_SOURCE[0]}")/apt-packages" || true; } | tr -s "[:space:]" " ")
    for package in $wanted; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# Python modules the test scripts import, installed with pip when missing (python3 itself from Debian).
# Each argument is a module, or module:package when the PyPI name differs (websocket:websocket-client).
ensure_python_packages() {
    command -v python3 >/dev/null || apt_install python3 python3-pip
    for wanted in "$@"; do
        local module="${wanted%%:*}" package="${wanted#*:}"
        python3 -c "import $module" 2>/dev/null || python3 -m pip install --quiet "$package" \
            || python3 -m pip install --quiet --break-system-packages "$package"
    done
}

require_swift() {
    command -v swift >/dev/null || { echo "error: Swift 6.3 must be on PATH (see README)" >&2; exit 1; }
}
