package passwords

// sequenceMatcher is Python's difflib.SequenceMatcher over two strings, compared by
// character (code point, as Python's str), with isjunk None and autojunk on: the part of
// it UserAttributeSimilarityValidator uses. Ported rather than approximated, because
// whether a password is "too similar" is a threshold on these exact numbers, and a
// password Django accepts must not be refused here, nor the other way round.
type sequenceMatcher struct {
	a, b []rune
	// b2j maps each character of b to the indices where it occurs, less the "popular"
	// characters autojunk drops (difflib's __chain_b).
	b2j map[rune][]int
}

func newSequenceMatcher(a, b string) *sequenceMatcher {
	m := &sequenceMatcher{a: []rune(a), b: []rune(b), b2j: map[rune][]int{}}
	for j, c := range m.b {
		m.b2j[c] = append(m.b2j[c], j)
	}
	// autojunk: in a b of 200 characters or more, a character that makes up more than 1%
	// of it is no anchor for a match (it can still extend one, below).
	if n := len(m.b); n >= 200 {
		ntest := n/100 + 1
		for c, idxs := range m.b2j {
			if len(idxs) > ntest {
				delete(m.b2j, c)
			}
		}
	}
	return m
}

// calculateRatio is 2*M/T, M the characters in matching blocks, T the length of both: 1.0 for
// two empty strings, as in difflib.
func calculateRatio(matches, length int) float64 {
	if length == 0 {
		return 1.0
	}
	return 2.0 * float64(matches) / float64(length)
}

// quickRatio is SequenceMatcher.quick_ratio: an upper bound on ratio that counts the
// characters a and b share as multisets, ignoring order. Django 3.2 to 5.x compare it,
// not ratio, with max_similarity.
func (m *sequenceMatcher) quickRatio() float64 {
	avail := map[rune]int{}
	for _, c := range m.b {
		avail[c]++
	}
	matches := 0
	for _, c := range m.a {
		if avail[c] > 0 {
			matches++
		}
		avail[c]--
	}
	return calculateRatio(matches, len(m.a)+len(m.b))
}

// ratio is SequenceMatcher.ratio: the characters of the matching blocks that
// get_matching_blocks finds, recursively taking the longest match and matching what lies
// on either side of it.
func (m *sequenceMatcher) ratio() float64 {
	type span struct{ alo, ahi, blo, bhi int }
	queue := []span{{0, len(m.a), 0, len(m.b)}}
	matches := 0
	for len(queue) > 0 {
		s := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		i, j, k := m.findLongestMatch(s.alo, s.ahi, s.blo, s.bhi)
		if k == 0 {
			continue
		}
		matches += k
		if s.alo < i && s.blo < j {
			queue = append(queue, span{s.alo, i, s.blo, j})
		}
		if i+k < s.ahi && j+k < s.bhi {
			queue = append(queue, span{i + k, s.ahi, j + k, s.bhi})
		}
	}
	return calculateRatio(matches, len(m.a)+len(m.b))
}

// findLongestMatch is SequenceMatcher.find_longest_match: the longest block of a[alo:ahi]
// equal to one of b[blo:bhi], the earliest in a and then in b among the longest. With no
// junk function, only autojunk's popular characters are special: they cannot start a
// match but may extend one on either end.
func (m *sequenceMatcher) findLongestMatch(alo, ahi, blo, bhi int) (besti, bestj, bestsize int) {
	besti, bestj = alo, blo
	j2len := map[int]int{}
	for i := alo; i < ahi; i++ {
		next := map[int]int{}
		for _, j := range m.b2j[m.a[i]] {
			if j < blo {
				continue
			}
			if j >= bhi {
				break
			}
			k := j2len[j-1] + 1
			next[j] = k
			if k > bestsize {
				besti, bestj, bestsize = i-k+1, j-k+1, k
			}
		}
		j2len = next
	}
	for besti > alo && bestj > blo && m.a[besti-1] == m.b[bestj-1] {
		besti, bestj, bestsize = besti-1, bestj-1, bestsize+1
	}
	for besti+bestsize < ahi && bestj+bestsize < bhi && m.a[besti+bestsize] == m.b[bestj+bestsize] {
		bestsize++
	}
	return besti, bestj, bestsize
}
