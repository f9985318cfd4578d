package gitlabsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// params is the merged parameter set of a request, as Grape sees it: query
// string, then form body (urlencoded or multipart), then JSON body, later
// sources overriding earlier ones. Values are string, json.Number, bool,
// nil (JSON null), []any or map[string]any.
type params struct {
	m map[string]any
}

const maxBody = 10 << 20

var errBadJSON = errors.New("bad json")

// invalidMessageBody is Grape::Exceptions::InvalidMessageBody's message
// (Grape's locale file, composed by Grape::Exceptions::Base#compose_message),
// which lib/api/api.rb's rescue_from Grape::Exceptions::Base renders as
// {"error": ...}.
const invalidMessageBody = "\nProblem:\n  message body does not match declared format\nResolution:\n  " +
	"when specifying application/json as content-type, you must pass valid application/json in the request's 'body' "

// bodyMethods are the methods whose body Grape::Middleware::Formatter reads.
var bodyMethods = map[string]bool{"POST": true, "PUT": true, "PATCH": true, "DELETE": true}

func parseParams(r *http.Request) (*params, error) {
	p := &params{m: map[string]any{}}
	p.addValues(r.URL.Query())
	if r.Body == nil || !bodyMethods[r.Method] {
		return p, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return p, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return p, err
		}
		p.addValues(vals)
	case "multipart/form-data":
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.Header.Set("Content-Type", mime.FormatMediaType(ct, ctParams))
		if err := r2.ParseMultipartForm(maxBody); err != nil {
			return p, err
		}
		p.addValues(url.Values(r2.MultipartForm.Value))
	case "application/json", "":
		// GitLab's API has default_format :json, so a body without a content
		// type is parsed as JSON too. A JSON value that is not an object is
		// valid but carries no parameters (Grape keeps it as the raw body).
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return p, errBadJSON
		}
		if _, err := dec.Token(); err != io.EOF {
			return p, errBadJSON
		}
		if m, ok := v.(map[string]any); ok {
			for k, v := range m {
				p.m[k] = v
			}
		}
	}
	return p, nil
}

// addValues applies Rack's nested-parameter conventions: "a[]" builds an
// array, "a[b]" a hash; a repeated plain key keeps the last value.
func (p *params) addValues(vals url.Values) {
	for key, vs := range vals {
		if len(vs) == 0 {
			continue
		}
		switch {
		case strings.HasSuffix(key, "[]"):
			k := strings.TrimSuffix(key, "[]")
			arr, _ := p.m[k].([]any)
			for _, v := range vs {
				arr = append(arr, v)
			}
			p.m[k] = arr
		case strings.Contains(key, "[") && strings.HasSuffix(key, "]"):
			i := strings.Index(key, "[")
			k, sub := key[:i], key[i+1:len(key)-1]
			h, _ := p.m[k].(map[string]any)
			if h == nil {
				h = map[string]any{}
			}
			h[sub] = vs[len(vs)-1]
			p.m[k] = h
		default:
			p.m[key] = vs[len(vs)-1]
		}
	}
}

func (p *params) has(k string) bool { _, ok := p.m[k]; return ok }

// str reads a String parameter. present is false when the key is absent;
// null reports an explicit JSON null.
func (p *params) str(k string) (v string, present, null bool, err error) {
	raw, ok := p.m[k]
	if !ok {
		return "", false, false, nil
	}
	switch x := raw.(type) {
	case nil:
		return "", true, true, nil
	case string:
		return x, true, false, nil
	case json.Number:
		return x.String(), true, false, nil
	case bool:
		return strconv.FormatBool(x), true, false, nil
	}
	return "", true, false, fmt.Errorf("%s is invalid", k)
}

// strOr returns a String parameter or def when absent/invalid.
func (p *params) strOr(k, def string) string {
	v, present, null, err := p.str(k)
	if !present || null || err != nil {
		return def
	}
	return v
}

var boolWords = map[string]bool{
	"true": true, "t": true, "1": true, "yes": true, "y": true, "on": true,
	"false": false, "f": false, "0": false, "no": false, "n": false, "off": false,
}

// boolean reads a Boolean parameter with Grape's coercion. An empty string
// or null coerces to nil (null=true).
func (p *params) boolean(k string) (v, present, null bool, err error) {
	raw, ok := p.m[k]
	if !ok {
		return false, false, false, nil
	}
	switch x := raw.(type) {
	case nil:
		return false, true, true, nil
	case bool:
		return x, true, false, nil
	case string:
		if x == "" {
			return false, true, true, nil
		}
		if b, ok := boolWords[strings.ToLower(x)]; ok {
			return b, true, false, nil
		}
	case json.Number:
		if b, ok := boolWords[x.String()]; ok {
			return b, true, false, nil
		}
	}
	return false, true, false, fmt.Errorf("%s is invalid", k)
}

var intRe = regexp.MustCompile(`^[+-]?\d+$`)

// integer reads an Integer parameter; empty string or null coerce to nil.
func (p *params) integer(k string) (v int64, present, null bool, err error) {
	raw, ok := p.m[k]
	if !ok {
		return 0, false, false, nil
	}
	var s string
	switch x := raw.(type) {
	case nil:
		return 0, true, true, nil
	case string:
		s = strings.TrimSpace(x)
		if s == "" {
			return 0, true, true, nil
		}
	case json.Number:
		s = x.String()
		if f, ferr := x.Float64(); ferr == nil && !strings.ContainsAny(s, "eE") && strings.Contains(s, ".") && f == float64(int64(f)) {
			s = strconv.FormatInt(int64(f), 10)
		}
	default:
		return 0, true, false, fmt.Errorf("%s is invalid", k)
	}
	if !intRe.MatchString(s) {
		return 0, true, false, fmt.Errorf("%s is invalid", k)
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil {
		return 0, true, false, fmt.Errorf("%s is invalid", k)
	}
	return n, true, false, nil
}

// tags reads tag_list (Array[String] with CommaSeparatedToArray,
// lib/api/validations/types/comma_separated_to_array.rb): a string is split
// on commas; an array has each element's to_s split on commas (nil elements
// vanish); any other value (number, boolean, object) becomes []. It never
// fails: the coercion has no invalid input.
func (p *params) tags(k string) (v []string, present, null bool, err error) {
	raw, ok := p.m[k]
	if !ok {
		return nil, false, false, nil
	}
	switch x := raw.(type) {
	case nil:
		return []string{}, true, true, nil
	case string:
		return normalizeTags([]string{x}), true, false, nil
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, rubyToS(e))
		}
		return normalizeTags(out), true, false, nil
	}
	return []string{}, true, false, nil
}

// rubyToS is Ruby's to_s of a value parsed from JSON (Hash and Array to_s
// is inspect, in Ruby 3.3's format).
func rubyToS(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return rubyInspect(v)
}

func rubyInspect(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = rubyInspect(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + "=>" + rubyInspect(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return rubyToS(v)
}

// hash reads a Hash parameter (e.g. info).
func (p *params) hash(k string) (map[string]any, error) {
	raw, ok := p.m[k]
	if !ok || raw == nil {
		return nil, nil
	}
	h, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is invalid", k)
	}
	return h, nil
}

func hashStr(h map[string]any, k string) *string {
	if h == nil {
		return nil
	}
	switch x := h[k].(type) {
	case string:
		return &x
	case json.Number:
		s := x.String()
		return &s
	}
	return nil
}

// validator accumulates Grape-style parameter errors, joined with ", ".
type validator struct {
	p    *params
	errs []string
}

func (v *validator) add(err error) {
	if err != nil {
		v.errs = append(v.errs, err.Error())
	}
}

func (v *validator) failed() bool { return len(v.errs) > 0 }

func (v *validator) message() string { return strings.Join(v.errs, ", ") }

// enum validates a String parameter against allowed values.
func (v *validator) enum(k string, allowed []string) (string, bool) {
	s, present, null, err := v.p.str(k)
	if err != nil {
		v.add(err)
		return "", false
	}
	if !present || null {
		return "", false
	}
	for _, a := range allowed {
		if s == a {
			return s, true
		}
	}
	v.add(fmt.Errorf("%s does not have a valid value", k))
	return "", false
}

func (v *validator) required(k string) {
	if !v.p.has(k) {
		v.add(fmt.Errorf("%s is missing", k))
	}
}
