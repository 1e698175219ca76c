package config

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WriteSample writes a sample config file documenting opts, in the style
// of oslo-config-generator: one section per group ([DEFAULT] first), each
// option's help, kind and limits as comments, then the option commented
// out with its default.
func WriteSample(w io.Writer, opts ...Option) error {
	groups := map[string][]Spec{}
	for _, o := range opts {
		s := o.Spec()
		groups[s.Group] = append(groups[s.Group], s)
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "DEFAULT":
			return -1
		case b == "DEFAULT":
			return 1
		}
		return strings.Compare(a, b)
	})
	bw := bufio.NewWriter(w)
	for i, g := range names {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		fmt.Fprintf(bw, "[%s]\n", g)
		for _, s := range groups[g] {
			writeSampleOption(bw, s)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing sample config: %w", err)
	}
	return nil
}

func writeSampleOption(w io.Writer, s Spec) {
	fmt.Fprintln(w)
	for _, line := range wrap(s.Help, 70) {
		fmt.Fprintf(w, "# %s\n", line)
	}
	fmt.Fprintf(w, "# (%s value)\n", s.Kind)
	if len(s.Choices) > 0 {
		fmt.Fprintf(w, "# Allowed values: %s\n", strings.Join(s.Choices, ", "))
	}
	if s.Min != nil {
		fmt.Fprintf(w, "# Minimum value: %s\n", strconv.FormatFloat(*s.Min, 'g', -1, 64))
	}
	if s.Max != nil {
		fmt.Fprintf(w, "# Maximum value: %s\n", strconv.FormatFloat(*s.Max, 'g', -1, 64))
	}
	if s.Required {
		fmt.Fprintln(w, "# This option is required.")
	}
	if s.Default == "" {
		fmt.Fprintf(w, "#%s =\n", s.Name)
		return
	}
	fmt.Fprintf(w, "#%s = %s\n", s.Name, s.Default)
}

// wrap splits text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
