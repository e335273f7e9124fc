package store

import "time"

// utcDate reads b as time.Time's UnmarshalJSON would when b is a date in
// UTC as MarshalJSON writes it ("2026-12-02T06:09:18.159571637Z", the
// fraction optional, 1–9 digits): the result is the same value,
// time.Date's. Anything else, or a date that does not exist, is not ok
// and is left to UnmarshalJSON. Reading every connection's dates through
// UnmarshalJSON was a sixth of the decoding (issue 22).
func utcDate(b []byte) (time.Time, bool) {
	const whole = len("2006-01-02T15:04:05")
	n := len(b)
	if n < whole+1 || b[n-1] != 'Z' || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	// Every other byte of the whole seconds is a digit: checked at once
	// (a byte below '0' wraps round to a large one).
	var d [whole]int
	for i, c := range b[:whole] {
		d[i] = int(c - '0')
		if d[i] > 9 && i != 4 && i != 7 && i != 10 && i != 13 && i != 16 {
			return time.Time{}, false
		}
	}
	year := d[0]*1000 + d[1]*100 + d[2]*10 + d[3]
	month, day := d[5]*10+d[6], d[8]*10+d[9]
	hour, minute, sec := d[11]*10+d[12], d[14]*10+d[15], d[17]*10+d[18]
	nsec := 0
	if frac := b[whole : n-1]; len(frac) > 0 {
		if len(frac) < 2 || len(frac) > 10 || frac[0] != '.' {
			return time.Time{}, false
		}
		for _, c := range frac[1:] {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nsec = nsec*10 + int(c-'0')
		}
		for range 10 - len(frac) {
			nsec *= 10
		}
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	unix := civilDays(year, month, day)*86400 + int64(hour*3600+minute*60+sec)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// daysIn is the number of days in month of year (proleptic Gregorian).
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilDays is the number of days from 1970-01-01 to the date (year
// 0–9999), by H. Hinnant's days_from_civil.
func civilDays(year, month, day int) int64 {
	if month <= 2 {
		year--
	}
	era := (year + 400) / 400 // year ≥ -1: shifted by one era to stay non-negative
	era--
	yoe := year - era*400
	mp := (month + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
