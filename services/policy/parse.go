package policy

import (
	"fmt"
	"strings"
)

// parse turns a check string into a check tree. Tokens are split at
// whitespace as oslo's _parse_tokenize splits them: parentheses are
// peeled off the ends of each word (so "%(project_id)s" keeps its own),
// and and/or/not are keywords in any case. The grammar is the usual one,
// which oslo's shift-reduce parser also implements:
//
//	or   = and { "or" and }
//	and  = not { "and" not }
//	not  = "not" not | "(" or ")" | check
func parse(rule string) (node, error) {
	if rule == "" {
		return trueCheck{}, nil
	}
	toks, err := tokenize(rule)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrSyntax, rule, err)
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("%w: %q: only whitespace (write \"\" or @ for always allowed)", ErrSyntax, rule)
	}
	p := &ruleParser{toks: toks}
	n, err := p.or()
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("unexpected %s", p.toks[p.i])
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrSyntax, rule, err)
	}
	return n, nil
}

type tokKind int

const (
	tokCheck tokKind = iota
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
)

type lexeme struct {
	kind tokKind
	text string
	n    node // for tokCheck
}

func (t lexeme) String() string {
	if t.kind == tokCheck {
		return fmt.Sprintf("check %q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

func tokenize(rule string) ([]lexeme, error) {
	var toks []lexeme
	for _, word := range strings.Fields(rule) {
		clean := strings.TrimLeft(word, "(")
		for range len(word) - len(clean) {
			toks = append(toks, lexeme{kind: tokLParen, text: "("})
		}
		if clean == "" {
			continue
		}
		body := strings.TrimRight(clean, ")")
		trail := len(clean) - len(body)
		switch strings.ToLower(body) {
		case "and":
			toks = append(toks, lexeme{kind: tokAnd, text: body})
		case "or":
			toks = append(toks, lexeme{kind: tokOr, text: body})
		case "not":
			toks = append(toks, lexeme{kind: tokNot, text: body})
		case "":
		default:
			if q := clean[0]; len(clean) >= 2 && (q == '"' || q == '\'') && clean[len(clean)-1] == q {
				// oslo makes this a "string" token that no rule accepts.
				return nil, fmt.Errorf("quoted %s is not a check (a literal goes on the left of kind:match, e.g. 'member':%%(role.name)s)", clean)
			}
			n, err := parseCheck(body)
			if err != nil {
				return nil, err
			}
			toks = append(toks, lexeme{kind: tokCheck, text: body, n: n})
		}
		for range trail {
			toks = append(toks, lexeme{kind: tokRParen, text: ")"})
		}
	}
	return toks, nil
}

// parseCheck parses one check, oslo's _parse_check.
func parseCheck(s string) (node, error) {
	switch s {
	case "!":
		return falseCheck{}, nil
	case "@":
		return trueCheck{}, nil
	}
	kind, raw, ok := strings.Cut(s, ":")
	if !ok {
		return nil, fmt.Errorf("check %q is not of the form kind:match, @ or !", s)
	}
	switch kind {
	case "rule":
		return &ruleCheck{name: raw}, nil
	case "http", "https":
		return nil, fmt.Errorf("check %q: remote %s: checks are not supported", s, kind)
	}
	m, err := compileMatch(raw)
	if err != nil {
		return nil, err
	}
	if kind == "role" {
		return &roleCheck{m: m}, nil
	}
	g := &genericCheck{kind: kind, m: m}
	if lit, ok := literalKind(kind); ok {
		g.literal, g.isLit = lit, true
	} else {
		g.attr = compileAttr(strings.Split(kind, "."))
	}
	return g, nil
}

type ruleParser struct {
	toks []lexeme
	i    int
}

func (p *ruleParser) peek() (tokKind, bool) {
	if p.i >= len(p.toks) {
		return 0, false
	}
	return p.toks[p.i].kind, true
}

func (p *ruleParser) or() (node, error) {
	return p.chain(tokOr, p.and, func(xs []node) node { return &orCheck{xs: xs} })
}

func (p *ruleParser) and() (node, error) {
	return p.chain(tokAnd, p.not, func(xs []node) node { return &andCheck{xs: xs} })
}

// chain parses operands separated by op, flattening "a op b op c" into
// one node as oslo's add_check does.
func (p *ruleParser) chain(op tokKind, operand func() (node, error), join func([]node) node) (node, error) {
	first, err := operand()
	if err != nil {
		return nil, err
	}
	xs := []node{first}
	for {
		k, ok := p.peek()
		if !ok || k != op {
			break
		}
		opTok := p.toks[p.i]
		p.i++
		if _, ok := p.peek(); !ok {
			return nil, fmt.Errorf("%q must be followed by a check", opTok.text)
		}
		x, err := operand()
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
	}
	if len(xs) == 1 {
		return first, nil
	}
	return join(xs), nil
}

func (p *ruleParser) not() (node, error) {
	k, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("a check is missing at the end")
	}
	t := p.toks[p.i]
	switch k {
	case tokNot:
		p.i++
		if _, ok := p.peek(); !ok {
			return nil, fmt.Errorf("%q must be followed by a check", t.text)
		}
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &notCheck{x: x}, nil
	case tokLParen:
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if k, ok := p.peek(); !ok || k != tokRParen {
			return nil, fmt.Errorf("unbalanced parentheses: a \"(\" is not closed")
		}
		p.i++
		return x, nil
	case tokCheck:
		p.i++
		return t.n, nil
	}
	return nil, fmt.Errorf("unexpected %s where a check was expected", t)
}
