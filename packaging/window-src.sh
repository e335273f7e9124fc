# Sourced by the packaging scripts: window_src WORK copies the working tree
# into WORK/src and prints the window's folder there, ready for `fyne package`.
#
# fyne package writes into the folder it packages (a generated metadata file,
# the binary, and Build+1 in FyneApp.toml), and this tree is shared: package a
# copy of the working tree instead, so the tree stays clean. fyne reads
# FyneApp.toml from the folder it builds: the window's folder gets the app's
# metadata, its icon path made relative to that folder.
window_src() {
	mkdir "$1/src"
	git ls-files -co --exclude-standard | while IFS= read -r f; do
		[ -e "$f" ] && printf '%s\n' "$f"
	done | tar -cf - -T - | tar -xf - -C "$1/src"
	sed 's|^\( *Icon *= *"\)\(assets/\)|\1../../\2|' "$1/src/FyneApp.toml" >"$1/src/cmd/authdeck-window/FyneApp.toml"
	printf '%s\n' "$1/src/cmd/authdeck-window"
}
