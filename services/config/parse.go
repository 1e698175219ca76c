package config

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// entry is one option value as a file wrote it.
type entry struct {
	value string
	file  string
	line  int
}

// raw holds the merged contents of the files: section -> option -> the
// entry of the last file (and last line) that set it.
type raw map[string]map[string]entry

// normalizeSection applies oslo.config's rule that section names are
// case-insensitive, except that DEFAULT is always upper case.
func normalizeSection(name string) string {
	name = strings.TrimSpace(name)
	if strings.EqualFold(name, "DEFAULT") {
		return "DEFAULT"
	}
	return strings.ToLower(name)
}

// parse reads one INI file into r, overriding what earlier files set. name
// is the file's name for error messages.
func (r raw) parse(name string, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	p := parser{raw: r, file: name}
	for sc.Scan() {
		p.lineNo++
		if err := p.line(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s after line %d: %w", name, p.lineNo, err)
	}
	p.flush()
	return nil
}

// parser is the state of one file being read.
type parser struct {
	raw     raw
	file    string
	lineNo  int
	section string
	key     string   // the option being read, "" between options
	keyLine int      // the line the option started on
	parts   []string // its value's lines
}

func (p *parser) fail(text, reason string) error {
	return &ParseError{File: p.file, Line: p.lineNo, Text: text, Reason: reason}
}

// flush stores the option read so far, if any.
func (p *parser) flush() {
	if p.key != "" {
		p.raw[p.section][p.key] = entry{value: strings.Join(p.parts, "\n"), file: p.file, line: p.keyLine}
	}
	p.key, p.parts = "", nil
}

func (p *parser) line(text string) error {
	if p.lineNo == 1 {
		text = strings.TrimPrefix(text, "\uFEFF")
	}
	text = strings.TrimRight(text, " \t\r")
	trimmed := strings.TrimLeft(text, " \t")
	switch {
	case trimmed == "":
		p.flush() // a blank line ends a multi-line value
		return nil
	case trimmed[0] == '#' || trimmed[0] == ';':
		if trimmed == text {
			p.flush()
		}
		return nil
	case trimmed != text:
		if p.key == "" {
			return p.fail(text, "unexpected indented line (indentation continues the previous option's value)")
		}
		p.parts = append(p.parts, trimmed)
		return nil
	}
	p.flush()
	if text[0] == '[' {
		return p.header(text)
	}
	return p.assignment(text)
}

func (p *parser) header(text string) error {
	if !strings.HasSuffix(text, "]") {
		return p.fail(text, "section header is missing its closing ]")
	}
	name := normalizeSection(text[1 : len(text)-1])
	if name == "" {
		return p.fail(text, "empty section name")
	}
	p.section = name
	if p.raw[name] == nil {
		p.raw[name] = map[string]entry{}
	}
	return nil
}

// assignment reads "key = value" or "key: value", splitting at whichever of
// = and : comes first, as oslo.config does.
func (p *parser) assignment(text string) error {
	i := strings.IndexAny(text, "=:")
	if i < 0 {
		return p.fail(text, "expected option = value or a [section] header")
	}
	key := strings.TrimSpace(text[:i])
	if key == "" {
		return p.fail(text, "empty option name")
	}
	if p.section == "" {
		return p.fail(text, "option before the first [section] header (add [DEFAULT] above it)")
	}
	value := strings.TrimSpace(text[i+1:])
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = value[1 : len(value)-1]
	}
	p.key, p.keyLine, p.parts = key, p.lineNo, []string{value}
	return nil
}
