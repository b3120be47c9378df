#!/usr/bin/env bats
# xlsx.bats - Excel workbooks in (import) and out (--format xlsx).
#
# Workbooks come from two independent writers: zip(1) over the XML parts
# in fixtures/xlsx/book (so each odd case - 1904 dates, inline strings,
# merged headers, broken XML, a zip bomb - is a small edit), and
# libxlsxwriter through our own --format xlsx, read back by our reader.

load test_helper/common

setup() {
	new_data_dir
	BOOK="$BATS_TEST_TMPDIR/book"
	cp -r "$FIXTURES/xlsx/book" "$BOOK"
}

# Zip the (edited) parts in $BOOK into $1.
zip_book() {
	rm -f "$1"
	(cd "$BOOK" && zip -qrX "$1" '[Content_Types].xml' _rels xl)
}

@test "crm-lead import: xlsx shared and inline strings, dates, booleans, merged header, leading zeros" {
	zip_book "$BATS_TEST_TMPDIR/leads.xlsx"
	run --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/leads.xlsx"
	assert_success
	assert_equal "$stderr" "crm-lead: warning: $BATS_TEST_TMPDIR/leads.xlsx:'客户 Leads'!F7: date 'soon' is not a date (use YYYY-MM-DD)
crm-lead: $BATS_TEST_TMPDIR/leads.xlsx: read 3, imported 2, updated 0, duplicates 0, rejected 1, skipped 1"
	run crm-lead list --sort name --format jsonl
	assert_output '{"id":"'"$(crm-lead list --where '.name == "Wei Li"' --format ids)"'","name":"Wei Li","company":"ACME & Co","title":"","email":"li@x.com","phone":"13900139000","source":"","status":"new","score":null,"owner":"","amount":0.30,"next_date":"","next_action":"","last_contact":"","customer":"","opportunity":"","reason":"","created":"2026-03-02","updated":"2026-03-02","手机":"","VIP":"FALSE","notes":""}
{"id":"'"$(crm-lead list --where '.name == "张伟"' --format ids)"'","name":"张伟","company":"华为 技术","title":"","email":"zw@example.com","phone":"013800138000","source":"","status":"new","score":null,"owner":"","amount":12000.50,"next_date":"","next_action":"","last_contact":"","customer":"","opportunity":"","reason":"","created":"2026-03-01","updated":"2026-03-02","手机":"010-88886666","VIP":"TRUE","notes":"line one\r\nline two"}'
}

@test "crm-lead import: xlsx detected by content, not by name" {
	zip_book "$BATS_TEST_TMPDIR/export.dat"
	run crm-lead import --dry-run "$BATS_TEST_TMPDIR/export.dat"
	assert_success
	assert_line --index 0 "# $BATS_TEST_TMPDIR/export.dat: sheet 客户 Leads"
	assert_line --index 1 "姓名 -> name"
}

@test "crm-lead import: --sheet by name and by number" {
	zip_book "$BATS_TEST_TMPDIR/b.xlsx"
	run crm-lead import --dry-run --sheet Other "$BATS_TEST_TMPDIR/b.xlsx"
	assert_success
	assert_output "# $BATS_TEST_TMPDIR/b.xlsx: sheet Other
Name -> name
Email -> email
$BATS_TEST_TMPDIR/b.xlsx:Other!A2: name=Other One email=one@other.com"
	run crm-lead import --dry-run --sheet 2 "$BATS_TEST_TMPDIR/b.xlsx"
	assert_success
	assert_line --index 0 "# $BATS_TEST_TMPDIR/b.xlsx: sheet Other"
}

@test "crm-lead import: --sheet that is not there" {
	zip_book "$BATS_TEST_TMPDIR/b.xlsx"
	run -3 --separate-stderr crm-lead import --sheet Nope "$BATS_TEST_TMPDIR/b.xlsx"
	assert_output ""
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/b.xlsx: no sheet 'Nope' (the workbook has 2)"
}

@test "crm-lead import: --sheet on a CSV file is a usage error" {
	printf 'name,email\nA,a@x.com\n' > "$BATS_TEST_TMPDIR/a.csv"
	run -2 --separate-stderr crm-lead import --sheet 1 "$BATS_TEST_TMPDIR/a.csv"
	assert_output ""
	assert_equal "${stderr_lines[0]}" "crm-lead: --sheet: $BATS_TEST_TMPDIR/a.csv is not an .xlsx workbook"
}

@test "crm-lead import: xlsx 1904 date system" {
	sed -i 's|<workbookPr/>|<workbookPr date1904="1"/>|' "$BOOK/xl/workbook.xml"
	zip_book "$BATS_TEST_TMPDIR/mac.xlsx"
	run crm-lead import --dry-run "$BATS_TEST_TMPDIR/mac.xlsx"
	assert_success
	assert_line --partial "'客户 Leads'!A3: name=张伟 "
	assert_line --partial " created=2030-03-02 "
	assert_line --partial " created=2030-03-03 "
}

@test "crm-lead import: xlsx from standard input" {
	zip_book "$BATS_TEST_TMPDIR/b.xlsx"
	run crm-lead import --dry-run --sheet Other - < "$BATS_TEST_TMPDIR/b.xlsx"
	assert_success
	assert_line --index 3 "-:Other!A2: name=Other One email=one@other.com"
}

@test "crm-lead import: xlsx with broken XML" {
	sed -i 's|<row r="6">|<row r="6"><c>|' "$BOOK/xl/worksheets/sheet1.xml"
	zip_book "$BATS_TEST_TMPDIR/broken.xlsx"
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/broken.xlsx"
	assert_output ""
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/broken.xlsx: xl/worksheets/sheet1.xml:7: mismatched tag"
	run -1 crm-lead list
}

@test "crm-lead import: xlsx with a DTD is refused" {
	sed -i 's|standalone="yes"?>|&<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>|' "$BOOK/xl/sharedStrings.xml"
	zip_book "$BATS_TEST_TMPDIR/dtd.xlsx"
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/dtd.xlsx"
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/dtd.xlsx: xl/sharedStrings.xml:1: a DTD is not allowed in a workbook"
}

@test "crm-lead import: xlsx zip bomb is refused" {
	head -c 20000000 /dev/zero | tr '\0' ' ' > "$BOOK/xl/worksheets/sheet1.xml"
	zip_book "$BATS_TEST_TMPDIR/bomb.xlsx"
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/bomb.xlsx"
	assert_output ""
	assert_regex "$stderr" "^crm-lead: $BATS_TEST_TMPDIR/bomb.xlsx: xl/worksheets/sheet1.xml: compressed [0-9]+ to 1, refused as a zip bomb$"
}

@test "crm-lead import: xlsx shared-strings table over the limit" {
	sed -i 's|uniqueCount="14"|uniqueCount="99999999"|' "$BOOK/xl/sharedStrings.xml"
	zip_book "$BATS_TEST_TMPDIR/sst.xlsx"
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/sst.xlsx"
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/sst.xlsx: xl/sharedStrings.xml:2: the shared-strings table is over the limit of 2000000 strings"
}

@test "crm-lead import: a zip that is not a workbook is read as text" {
	(cd "$BOOK" && zip -qrX "$BATS_TEST_TMPDIR/other.zip" _rels)
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/other.zip"
	assert_output ""
	assert_regex "$stderr" "^crm-lead: $BATS_TEST_TMPDIR/other.zip"
}
