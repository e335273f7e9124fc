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
	// Each digit's value, and in bad every digit's value plus 6 ORed: a
	// byte that is not a digit leaves a bit above the lowest four there.
	var bad uint
	dig := func(i int) int {
		v := uint(b[i] - '0') // a byte below '0' wraps round to 208 or more
		bad |= v + 6
		return int(v) // below 10 unless bad says otherwise
	}
	year := dig(0)*1000 + dig(1)*100 + dig(2)*10 + dig(3)
	month, day := dig(5)*10+dig(6), dig(8)*10+dig(9)
	hour, minute, sec := dig(11)*10+dig(12), dig(14)*10+dig(15), dig(17)*10+dig(18)
	nsec := 0
	if frac := n - 1 - whole; frac > 0 {
		if frac < 2 || frac > 10 || b[whole] != '.' {
			return time.Time{}, false
		}
		for i := whole + 1; i < n-1; i++ {
			nsec = nsec*10 + dig(i)
		}
		for range 10 - frac {
			nsec *= 10
		}
	}
	if bad>>4 != 0 {
		return time.Time{}, false
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
