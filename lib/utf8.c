/* utf8.c - UTF-8 validation and terminal display width */
#include <string.h>

#include "crm.h"

/* Length of the sequence starting at s (1..4), or 0 if it is invalid:
 * overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
	if (!len || len > n)
		return 0;
	cp = c & (0xFF >> (len + 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

size_t utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	while (i < n) {
		uint64_t w;

		/* ASCII eight bytes at a time; in a word that is not all
		 * ASCII, its first bytes that are at once. */
		if (i + 8 <= n) {
			memcpy(&w, p + i, 8);
			w &= 0x8080808080808080ULL;
			if (!w) {
				i += 8;
				continue;
			}
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			i += (size_t)__builtin_ctzll(w) >> 3;
#endif
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		/* Chinese text is three-byte sequences, U+0800..U+FFFF less
		 * the surrogates: checked here without utf8_seq's loop. */
		if ((p[i] & 0xF0) == 0xE0 && i + 3 <= n &&
		    (p[i + 1] & 0xC0) == 0x80 && (p[i + 2] & 0xC0) == 0x80 &&
		    (p[i] != 0xE0 || p[i + 1] >= 0xA0) &&
		    (p[i] != 0xED || p[i + 1] < 0xA0)) {
			i += 3;
			continue;
		}
		len = utf8_seq(p + i, n - i);
		if (!len)
			break;
		i += len;
	}
	return i;
}

/* ---- display width ---------------------------------------------------- */

struct cp_range {
	unsigned long lo, hi;
};

/*
 * Code points that take no column: combining marks, zero-width spaces and
 * joiners, bidi controls, variation selectors, Hangul medial and final
 * jamo (they join the initial jamo's cell), and C1 controls.  Sorted.
 */
static const struct cp_range zero_width[] = {
	{0x0080, 0x009F}, {0x0300, 0x036F}, {0x0483, 0x0489},
	{0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
	{0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
	{0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC},
	{0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED},
	{0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
	{0x1160, 0x11FF}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
	{0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
	{0x20D0, 0x20FF}, {0x3099, 0x309A}, {0xFE00, 0xFE0F},
	{0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/*
 * East Asian Width W and F (Unicode's EastAsianWidth.txt), merged into
 * blocks where the unassigned gaps default to W anyway.  The emoji
 * blocks U+1F300-1F64F and U+1F900-1F9FF are taken whole, as terminals
 * draw them.  Sorted, no overlaps.
 */
static const struct cp_range wide[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A},
	{0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3},
	{0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653},
	{0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
	{0x26CE, 0x26CE}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA},
	{0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA},
	{0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
	{0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E},
	{0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C},
	{0x2B50, 0x2B50}, {0x2B55, 0x2B55},
	{0x2E80, 0x303E},	/* CJK radicals ... CJK symbols, punctuation */
	{0x3041, 0x3247},	/* kana, bopomofo, jamo, kanbun, enclosed */
	{0x3250, 0x4DBF},	/* enclosed, compatibility, CJK ext A */
	{0x4E00, 0xA4CF},	/* CJK unified ideographs, Yi */
	{0xA960, 0xA97F},	/* Hangul jamo extended-A */
	{0xAC00, 0xD7A3},	/* Hangul syllables */
	{0xF900, 0xFAFF},	/* CJK compatibility ideographs */
	{0xFE10, 0xFE19},	/* vertical forms */
	{0xFE30, 0xFE6F},	/* CJK compatibility and small forms */
	{0xFF00, 0xFF60},	/* fullwidth forms */
	{0xFFE0, 0xFFE6},
	{0x16FE0, 0x16FE4}, {0x16FF0, 0x16FF1},
	{0x17000, 0x18CFF},	/* Tangut */
	{0x1B000, 0x1B2FF},	/* kana supplement, Nushu */
	{0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
	{0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B},
	{0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265},
	{0x1F300, 0x1F64F},	/* pictographs, emoticons */
	{0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
	{0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
	{0x1F7E0, 0x1F7EB},
	{0x1F900, 0x1F9FF},	/* supplemental symbols and pictographs */
	{0x1FA70, 0x1FAFF},
	{0x20000, 0x2FFFD},	/* CJK extensions B-F, compatibility supp. */
	{0x30000, 0x3FFFD},	/* CJK extensions G, H */
};

static int in_ranges(unsigned long cp, const struct cp_range *r, size_t n)
{
	size_t lo = 0, hi = n;

	if (cp < r[0].lo || cp > r[n - 1].hi)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > r[mid].hi)
			lo = mid + 1;
		else if (cp < r[mid].lo)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

#define NRANGES(a) (sizeof(a) / sizeof((a)[0]))

static size_t cp_width(unsigned long cp)
{
	if (cp < 0x20 || cp == 0x7F)
		return 0;
	if (cp < 0x7F)
		return 1;
	if (in_ranges(cp, zero_width, NRANGES(zero_width)))
		return 0;
	if (in_ranges(cp, wide, NRANGES(wide)))
		return 2;
	return 1;
}

/* Columns and length of the character at s: an invalid byte is one
 * byte and one column (terminals show it as one replacement glyph). */
static size_t char_width(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i;

	/* strnlen keeps utf8_seq inside the string at its very end */
	*len = utf8_seq(p, strnlen(s, 4));
	if (*len == 0) {
		*len = 1;
		return 1;
	}
	cp = *len == 1 ? p[0] : p[0] & (0xFF >> (*len + 1));
	for (i = 1; i < *len; i++)
		cp = cp << 6 | (p[i] & 0x3F);
	return cp_width(cp);
}

size_t utf8_width(const char *s)
{
	size_t cols = 0, len;

	while (*s) {
		cols += char_width(s, &len);
		s += len;
	}
	return cols;
}

/* A character that does not fit ends the prefix, so a wide character is
 * never split; zero-width marks that follow a fitting character stay
 * with it. */
size_t utf8_fit(const char *s, size_t cols, size_t *width_out)
{
	size_t used = 0, off = 0, w, len;

	while (s[off]) {
		w = char_width(s + off, &len);
		if (used + w > cols)
			break;
		used += w;
		off += len;
	}
	if (width_out)
		*width_out = used;
	return off;
}
