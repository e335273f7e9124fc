package render

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CSV writes rows as CSV that a spreadsheet opens as text, never as a
// formula, whichever separator its locale splits on. The command line's
// `status --csv` and the window's report both write through it.
//
//   - Every cell holding a separator of any locale (",", ";", a tab), a
//     quote or a line break is quoted (encoding/csv quotes only for ","),
//     so a ";"-splitting Excel (German, French) keeps it one cell.
//   - A formula can start a cell or, in a reader that splits on a separator
//     the writer did not use, any piece after a separator: each such start
//     that is =, +, -, @ (or their fullwidth forms ＝ ＋ － ＠), a tab or a
//     carriage return, after any spaces (NBSP included), gets an apostrophe
//     in front (OWASP's advice for CSV injection), which spreadsheets show
//     as text.
func CSV(w io.Writer, rows [][]string) error {
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(csvCell(cell))
		}
		b.WriteByte('\n') // as encoding/csv writes by default; spreadsheets read both
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// csvCell is one cell, neutralised and quoted when needed.
func csvCell(s string) string {
	s = CSVSafe(s)
	if s == "" || !strings.ContainsAny(s, ",;\t\"\r\n") && !startsWithSpace(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// CSVSafe neutralises the formula starts in s: at its start and after each
// separator (",", ";", tab, a line break), a piece whose first character
// after spaces is =, +, -, @, ＝, ＋, －, ＠, a tab or a carriage return gets
// an apostrophe in front.
func CSVSafe(s string) string {
	var b strings.Builder
	pieceStart := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if pieceStart {
			if j := skipSpaces(s[i:]); j < len(s[i:]) && formulaStart(s[i+j:]) {
				b.WriteByte('\'')
			}
			pieceStart = false
		}
		b.WriteString(s[i : i+size])
		if r == ',' || r == ';' || r == '\t' || r == '\n' || r == '\r' {
			pieceStart = true
		}
		i += size
	}
	return b.String()
}

func skipSpaces(s string) int {
	for i, r := range s {
		if r == '\t' || r == '\r' || !(unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff') {
			return i
		}
	}
	return len(s)
}

func formulaStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("=+-@\t\r\uff1d\uff0b\uff0d\uff20", r)
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r) || r == '\u00a0'
}
