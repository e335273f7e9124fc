package catalog

import (
	"net/url"
	"regexp"
	"strings"
)

// ParamFromAddress takes the value of the parameter name out of a web
// address a person pasted where the value alone was asked for: for Vend,
// whose URLs are https://{domain_prefix}.vendhq.com/…, the store address
// https://myshop.vendhq.com/ gives myshop. It reports false when no URL of
// the provider puts the parameter into a host name that value matches.
func (p Provider) ParamFromAddress(name, value string) (string, bool) {
	host := addressHost(value)
	if host == "" {
		return "", false
	}
	for _, meth := range p.Methods {
		for _, tmpl := range []string{meth.AuthorizeURL, meth.TokenURL, meth.CheckURL, meth.LoginURL} {
			if v, ok := hostParam(tmpl, name, host); ok {
				return v, true
			}
		}
	}
	return "", false
}

// addressHost is the host name of a pasted address, with or without its
// scheme and path; "" when it has none.
func addressHost(value string) string {
	value = strings.TrimSpace(value)
	if !strings.Contains(value, "://") {
		value = "https://" + value
	}
	u, err := url.Parse(value)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// hostParam matches host against the host part of a URL template and
// returns what stands where the placeholder name is.
func hostParam(tmpl, name, host string) (string, bool) {
	_, rest, ok := strings.Cut(tmpl, "://")
	if !ok {
		return "", false
	}
	hostTmpl, _, _ := strings.Cut(rest, "/")
	hostTmpl, _, _ = strings.Cut(hostTmpl, ":")
	if !strings.Contains(hostTmpl, "{"+name+"}") {
		return "", false
	}
	var re strings.Builder
	re.WriteString("^")
	last := 0
	for _, loc := range placeholderRE().FindAllStringSubmatchIndex(hostTmpl, -1) {
		re.WriteString(regexp.QuoteMeta(strings.ToLower(hostTmpl[last:loc[0]])))
		if hostTmpl[loc[2]:loc[3]] == name {
			re.WriteString(`(?P<want>[a-z0-9][a-z0-9-]{0,62})`)
		} else {
			re.WriteString(`[a-z0-9-]+`)
		}
		last = loc[1]
	}
	re.WriteString(regexp.QuoteMeta(strings.ToLower(hostTmpl[last:])) + "$")
	m := regexp.MustCompile(re.String()).FindStringSubmatch(host)
	if m == nil {
		return "", false
	}
	return m[1], true
}
