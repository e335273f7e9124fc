package cli

import (
	"bufio"
	"strings"
)

// VersionFromMetadata reads "Version" and "Build" from the [Details] section
// of FyneApp.toml, the one place the app's version is kept.
func VersionFromMetadata(toml string) string {
	var version, build, section string
	sc := bufio.NewScanner(strings.NewReader(toml))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[] ")
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || section != "Details" {
			continue
		}
		value = strings.Trim(strings.TrimSpace(value), `"`)
		switch strings.TrimSpace(key) {
		case "Version":
			version = value
		case "Build":
			build = value
		}
	}
	if version == "" {
		return "dev"
	}
	if build != "" {
		return version + " (build " + build + ")"
	}
	return version
}
