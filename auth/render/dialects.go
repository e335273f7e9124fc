package render

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// renderEnv writes the env line (for shells) or the dotenv line (for files
// read by programs). They differ because their readers do:
//
//   - env: `export NAME='…'` with shQuote, for `. file` in sh, bash and zsh
//     and `source file` in fish. Any printable value round-trips.
//   - dotenv: `NAME=value`, unquoted, for docker's --env-file (which has no
//     quoting at all: quotes would become part of the value),
//     python-dotenv (which expands ${VAR} even inside single quotes and
//     cannot read the POSIX '…'\”…' splice) and Node's dotenv (where # ends
//     an unquoted value). No quoting means the same in all three, so a
//     value that any of them would read differently is refused (dotenvSafe)
//     instead of being quoted for one of them.
func renderEnv(f Format, c Credential) (string, error) {
	name := c.EnvName
	if name == "" {
		name = EnvName("")
	}
	if !envNameRE().MatchString(name) {
		return "", fmt.Errorf("%q is not a variable name: use letters, digits and _, not starting with a digit", name)
	}
	if err := printable("secret", c.Secret); err != nil {
		return "", err
	}
	if f == FormatEnv {
		return "export " + name + "=" + shQuote(c.Secret), nil
	}
	if err := dotenvSafe(c.Secret); err != nil {
		return "", err
	}
	return name + "=" + c.Secret, nil
}

// DotenvRefused is the error for a value that docker, python-dotenv and
// Node's dotenv would not all read back as it is.
type DotenvRefused struct {
	Reason string // what in the value, in words; never the value itself
}

func (e *DotenvRefused) Error() string {
	return "this secret cannot be written to a .env file that docker, python-dotenv and Node's dotenv all read the same way (" +
		e.Reason + "): use the env format with a shell, or start the program through Authdeck so it gets the variable directly"
}

// dotenvSafe refuses what the three dotenv readers read differently, or
// expand: $ (python-dotenv's ${VAR}, dotenv-expand's $VAR), # (a comment
// for Node, and for python-dotenv after a space), a quote or backtick at the
// start (a quoted value to python-dotenv and Node, literal to docker), space
// at either end (trimmed by some), a backslash (an escape in python-dotenv
// inside quotes, kept elsewhere) and bytes that are not UTF-8
// (python-dotenv refuses the whole file).
func dotenvSafe(v string) error {
	switch {
	case !utf8.ValidString(v):
		return &DotenvRefused{"bytes that are not UTF-8 text"}
	case strings.ContainsRune(v, '$'):
		return &DotenvRefused{"a $, which python-dotenv expands as a variable"}
	case strings.ContainsRune(v, '#'):
		return &DotenvRefused{"a #, which starts a comment"}
	case strings.ContainsRune(v, '\\'):
		return &DotenvRefused{"a backslash"}
	case strings.ContainsAny(v[:1], "'\"`"):
		return &DotenvRefused{"a quote at the start"}
	case strings.TrimSpace(v) != v:
		return &DotenvRefused{"a space at the start or end"}
	}
	return nil
}

// curlCommand writes the curl snippet: -sS (no progress meter, but errors
// shown), and the credential on curl's standard input, never in its
// arguments, where any local user sees it (ps, /proc/PID/cmdline). printf
// is a builtin of sh, bash, zsh and fish, so the line that carries the
// credential starts no process. A header credential is read with -H @-;
// a query credential (the whole URL then holds it) with -K -, curl's
// config on standard input, as `url = "…"`.
func curlCommand(c Credential, target string) (string, error) {
	var b strings.Builder
	if c.Header != "" {
		b.WriteString("printf '%s\\n' " + shQuote(c.Header+": "+c.Value) + " | curl -sS -H @-")
	} else {
		b.WriteString("printf '%s\\n' " + shQuote("url = "+curlConfigQuote(target)) + " | curl -sS -K -")
	}
	if strings.ContainsAny(target, "[]{}") {
		b.WriteString(" --globoff") // curl would read [ ] { } in the URL as a pattern
	}
	if c.Header != "" {
		b.WriteString(" " + shQuote(target))
	}
	return b.String(), nil
}

// curlConfigQuote writes s as a double-quoted string of curl's config file,
// where \ and " are escaped (control characters were refused before).
func curlConfigQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// readsStdin says a curl argument reads standard input: "-" alone (a file
// name) or "@-" (data or headers from standard input).
func readsStdin(a string) bool {
	return a == "-" || a == "-T-" || strings.HasSuffix(a, "@-")
}
