/* test_xlsx.c - cell references, date serials and number formats of the
 * .xlsx reader (lib/xlsx.c) */
#include <stdio.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

/* xlsx_ref_parse(ref) as "row,col", or "ERR". */
static const char *ref(const char *s)
{
	static char out[64];
	long row, col;

	if (xlsx_ref_parse(s, &row, &col) < 0)
		return "ERR";
	snprintf(out, sizeof out, "%ld,%ld", row, col);
	return out;
}

static const char *col(long c)
{
	static char out[8];

	xlsx_col_name(c, out);
	return out;
}

/* A serial as "YYYY-MM-DD HH:MM:SS", or "ERR". */
static const char *serial(double s, int date1904)
{
	static char out[64];
	char day[16];
	int32_t d;
	long secs;

	if (xlsx_serial(s, date1904, &d, &secs) < 0)
		return "ERR";
	date_format(d, day);
	snprintf(out, sizeof out, "%s %02d:%02d:%02d", day, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
	return out;
}

int main(void)
{
	is_str(ref("A1"), "1,0", "A1");
	is_str(ref("C12"), "12,2", "C12");
	is_str(ref("Z3"), "3,25", "Z is the 26th column");
	is_str(ref("AA3"), "3,26", "AA follows Z");
	is_str(ref("az7"), "7,51", "lower case");
	is_str(ref("XFD1048576"), "1048576,16383", "the last cell");
	is_str(ref("XFE1"), "ERR", "past the last column");
	is_str(ref("A1048577"), "ERR", "past the last row");
	is_str(ref("A0"), "ERR", "row 0");
	is_str(ref("12"), "ERR", "no column");
	is_str(ref("A"), "ERR", "no row");
	is_str(ref("A1:B2"), "ERR", "a range is not a cell");
	is_str(ref(""), "ERR", "empty");

	is_str(col(0), "A", "column 0");
	is_str(col(25), "Z", "column 25");
	is_str(col(26), "AA", "column 26");
	is_str(col(701), "ZZ", "column 701");
	is_str(col(702), "AAA", "column 702");
	is_str(col(16383), "XFD", "the last column");

	is_str(serial(1, 0), "1900-01-01 00:00:00", "1900: serial 1");
	is_str(serial(59, 0), "1900-02-28 00:00:00", "1900: serial 59");
	is_str(serial(60, 0), "ERR", "1900: the phantom 29 February");
	is_str(serial(61, 0), "1900-03-01 00:00:00", "1900: serial 61");
	is_str(serial(25569, 0), "1970-01-01 00:00:00", "1900: the epoch");
	is_str(serial(46082, 0), "2026-03-01 00:00:00", "1900: 2026-03-01");
	is_str(serial(46083.75, 0), "2026-03-02 18:00:00", "1900: a time");
	is_str(serial(46082.9999999, 0), "2026-03-02 00:00:00",
	       "rounded up to the next day");
	is_str(serial(0, 1), "1904-01-01 00:00:00", "1904: serial 0");
	is_str(serial(44620, 1), "2026-03-01 00:00:00", "1904: 2026-03-01");
	is_str(serial(46082, 1), "2030-03-02 00:00:00",
	       "1904: 1462 days after 1900's");
	is_str(serial(-1, 0), "ERR", "negative");
	is_str(serial(3e6, 0), "ERR", "past 9999-12-31");

	is_int(xlsx_format_kind("General"), 0, "General");
	is_int(xlsx_format_kind("0.00"), 0, "0.00");
	is_int(xlsx_format_kind("#,##0.00;[Red]-#,##0.00"), 0,
	       "[Red] is no date");
	is_int(xlsx_format_kind("\"¥\"#,##0.00"), 0, "quoted text");
	is_int(xlsx_format_kind("0.0\" days\""), 0, "d inside quotes");
	is_int(xlsx_format_kind("@"), 0, "text");
	is_int(xlsx_format_kind("yyyy/m/d;@"), 1, "yyyy/m/d");
	is_int(xlsx_format_kind("yyyy\"年\"m\"月\"d\"日\""), 1, "年月日");
	is_int(xlsx_format_kind("[$-804]yyyy-mm-dd"), 1, "locale prefix");
	is_int(xlsx_format_kind("mmm-yy"), 1, "month and year");
	is_int(xlsx_format_kind("h:mm:ss"), 2, "a time");
	is_int(xlsx_format_kind("[h]:mm"), 2, "elapsed hours");
	is_int(xlsx_format_kind("yyyy-mm-dd hh:mm"), 3, "date and time");
	is_int(xlsx_format_kind("m/d/yyyy h:mm AM/PM"), 3, "US date and time");
	return done();
}
