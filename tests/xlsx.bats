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

@test "crm-lead import: xlsx rejects go to --rejects as CSV, the merged header filled" {
	zip_book "$BATS_TEST_TMPDIR/leads.xlsx"
	run crm-lead import --rejects "$BATS_TEST_TMPDIR/rejects.csv" "$BATS_TEST_TMPDIR/leads.xlsx"
	assert_success
	run cat "$BATS_TEST_TMPDIR/rejects.csv"
	assert_output "姓名,公司,手机,手机,Email,创建日期,VIP,Amount,Notes,_reject_reason
Bad Date,,13700137000,,,soon,,,,date 'soon' is not a date (use YYYY-MM-DD)"
}

@test "crm-lead import: xlsx detected by content, not by name" {
	zip_book "$BATS_TEST_TMPDIR/export.dat"
	run crm-lead import --dry-run "$BATS_TEST_TMPDIR/export.dat"
	assert_success
	assert_line --index 0 "# $BATS_TEST_TMPDIR/export.dat: sheet 客户 Leads"
	assert_line --index 1 "姓名 -> name"
}

@test "crm-lead import: --sheet by name and by number; an empty column; a 000000 format" {
	zip_book "$BATS_TEST_TMPDIR/b.xlsx"
	run crm-lead import --dry-run --sheet Other "$BATS_TEST_TMPDIR/b.xlsx"
	assert_success
	assert_output "# $BATS_TEST_TMPDIR/b.xlsx: sheet Other
Name -> name
 -> column 2
Email -> email
Zip -> Zip
$BATS_TEST_TMPDIR/b.xlsx:Other!A2: name=Other One email=one@other.com Zip=012345"
	run crm-lead import --dry-run --sheet 2 "$BATS_TEST_TMPDIR/b.xlsx"
	assert_success
	assert_line --index 0 "# $BATS_TEST_TMPDIR/b.xlsx: sheet Other"
}

@test "crm-lead import: xlsx two-row header, group names merged across and the others down" {
	zip_book "$BATS_TEST_TMPDIR/b.xlsx"
	run crm-lead import --dry-run --sheet Two "$BATS_TEST_TMPDIR/b.xlsx"
	assert_success
	assert_output "# $BATS_TEST_TMPDIR/b.xlsx: sheet Two
公司 -> company
姓名 -> name
电话 -> phone
金额 -> amount
$BATS_TEST_TMPDIR/b.xlsx:Two!A3: company=华为 name=张伟 phone=013800138000 amount=1000"
}

@test "crm-lead import: --sheet that is not there" {
	zip_book "$BATS_TEST_TMPDIR/b.xlsx"
	run -3 --separate-stderr crm-lead import --sheet Nope "$BATS_TEST_TMPDIR/b.xlsx"
	assert_output ""
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/b.xlsx: no sheet 'Nope' (sheets: 客户 Leads, Other, Two)"
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
	assert_line --index 5 "-:Other!A2: name=Other One email=one@other.com Zip=012345"
}

@test "crm-lead import: xlsx with broken XML" {
	sed -i 's|<row r="6">|<row r="6"><c>|' "$BOOK/xl/worksheets/sheet1.xml"
	zip_book "$BATS_TEST_TMPDIR/broken.xlsx"
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/broken.xlsx"
	assert_output ""
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/broken.xlsx: xl/worksheets/sheet1.xml:7: mismatched tag"
	run -1 crm-lead list
}

@test "crm-lead import: xlsx cell pointing past the shared strings" {
	sed -i 's|<c r="I3" t="s"><v>13</v>|<c r="I3" t="s"><v>99</v>|' "$BOOK/xl/worksheets/sheet1.xml"
	zip_book "$BATS_TEST_TMPDIR/sst.xlsx"
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/sst.xlsx"
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/sst.xlsx: xl/worksheets/sheet1.xml:5: shared string '99' is not in the table"
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

@test "crm-lead import: xlsx merged ranges too large to fill" {
	sed -i 's|<mergeCell ref="C2:D2"/>|<mergeCell ref="A1:XFD1048576"/>|' "$BOOK/xl/worksheets/sheet1.xml"
	zip_book "$BATS_TEST_TMPDIR/merge.xlsx"
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/merge.xlsx"
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/merge.xlsx: xl/worksheets/sheet1.xml: merged cells cover more than 10000000 cells"
}

@test "crm-lead import: xlsx rows padded out to column XFD stop at the cell limit" {
	awk 'BEGIN {
		print "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
		print "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Name</t></is></c></row>"
		for (i = 2; i <= 6200; i++) printf "<row r=\"%d\"><c r=\"XFD%d\"><v>1</v></c></row>\n", i, i
		print "</sheetData></worksheet>" }' > "$BOOK/xl/worksheets/sheet2.xml"
	zip_book "$BATS_TEST_TMPDIR/wide.xlsx"
	run -3 --separate-stderr crm-lead import --sheet 2 --dry-run "$BATS_TEST_TMPDIR/wide.xlsx"
	assert_equal "${stderr_lines[-1]}" "crm-lead: $BATS_TEST_TMPDIR/wide.xlsx: xl/worksheets/sheet2.xml:6106: the sheet is over the limit of 100000000 cells"
}

@test "crm-lead import: a zip that is not a workbook is read as text" {
	(cd "$BOOK" && zip -qrX "$BATS_TEST_TMPDIR/other.zip" _rels)
	run -3 --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/other.zip"
	assert_output ""
	assert_regex "$stderr" "^crm-lead: $BATS_TEST_TMPDIR/other.zip"
}

@test "crm-lead import: a workbook LibreOffice made from a CSV file reads as the CSV does" {
	command -v soffice >/dev/null || skip "LibreOffice is not installed"
	printf 'Name,Company,Email\n张伟,华为,zw@example.com\nWei Li,ACME,li@x.com\n' > "$BATS_TEST_TMPDIR/a.csv"
	HOME="$BATS_TEST_TMPDIR" soffice --headless --convert-to xlsx \
		--outdir "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/a.csv" >/dev/null 2>&1
	crm-lead import --dry-run "$BATS_TEST_TMPDIR/a.csv" | sed 1d | sed 's/^[^ ]*: //' > "$BATS_TEST_TMPDIR/want"
	crm-lead import --dry-run "$BATS_TEST_TMPDIR/a.xlsx" | sed 1d | sed 's/^[^ ]*: //' > "$BATS_TEST_TMPDIR/got"
	run diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
}

# ---- writing ----------------------------------------------------------------

# The reader as a program (tests/unit/xlsxcat.c), from the build under test.
xlsxcat() {
	local unit="$REPO_DIR/build/unit"
	[[ $CRM_BIN == */build-san/bin ]] && unit="$(dirname "$CRM_BIN")/unit"
	"$unit/xlsxcat" "$@"
}

# Three leads with what spreadsheets mangle: a leading zero, CJK, a
# formula-looking name, an amount, a long multi-line note.
add_leads() {
	crm-lead add "张伟" --company "华为技术有限公司" --phone 013800138000 \
		--set amount=12000.5 --set next_date=2026-03-09 >/dev/null
	crm-lead add "=1+1" --email eq@example.com --set amount=-3 >/dev/null
	crm-lead add "Wei Li" --email li@x.com \
		--set "notes=first line
second line, long enough to be wrapped in a cell: $(printf 'x%.0s' $(seq 60))" >/dev/null
}

@test "crm-lead list --format xlsx: without --output is a usage error" {
	run -2 --separate-stderr crm-lead list --format xlsx
	assert_output ""
	assert_equal "${stderr_lines[0]}" "crm-lead: --format xlsx: give the file with --output"
	assert_equal "${stderr_lines[-1]}" "Try 'crm-lead --help'."
}

@test "crm-lead list --format xlsx: read back cell by cell" {
	add_leads
	run crm-lead list --sort name --format xlsx --output "$BATS_TEST_TMPDIR/leads.xlsx"
	assert_success
	assert_output ""
	ids=($(crm-lead list --sort name --format ids))
	run xlsxcat "$BATS_TEST_TMPDIR/leads.xlsx"
	assert_success
	assert_output "1,id,name,company,title,email,phone,source,status,score,owner,amount,next_date,next_action,last_contact,customer,opportunity,reason,created,updated,notes
2,${ids[0]},=1+1,,,eq@example.com,,,new,,,-3,,,,,,,2026-03-02,2026-03-02
3,${ids[1]},Wei Li,,,li@x.com,,,new,,,,,,,,,,2026-03-02,2026-03-02,\"first line
second line, long enough to be wrapped in a cell: $(printf 'x%.0s' $(seq 60))\"
4,${ids[2]},张伟,华为技术有限公司,,,013800138000,,new,,,12000.5,2026-03-09,,,,,,2026-03-02,2026-03-02"
}

@test "crm-lead list --format xlsx: frozen header, filters, money, dates and wrapping" {
	add_leads
	crm-lead list --sort name --format xlsx --output "$BATS_TEST_TMPDIR/leads.xlsx"
	run unzip -p "$BATS_TEST_TMPDIR/leads.xlsx" xl/workbook.xml
	assert_output --partial '<sheet name="leads" sheetId="1" r:id="rId1"/>'
	run unzip -p "$BATS_TEST_TMPDIR/leads.xlsx" xl/worksheets/sheet1.xml
	assert_output --partial '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
	assert_output --partial '<autoFilter ref="A1:T4"/>'
	# amount -3 and 12000.5 are numbers in the money style, next_date a
	# date serial in the date style, created one too.
	assert_output --partial '<c r="K2" s="2"><v>-3</v></c>'
	assert_output --partial '<c r="K4" s="2"><v>12000.5</v></c><c r="L4" s="3"><v>46090</v></c><c r="R4" s="3"><v>46083</v></c>'
	assert_output --partial '<c r="T3" s="4" t="inlineStr">'
	run unzip -p "$BATS_TEST_TMPDIR/leads.xlsx" xl/styles.xml
	assert_output --partial '<numFmt numFmtId="164" formatCode="#,##0.00"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
	assert_output --partial '<alignment vertical="top" wrapText="1"/>'
}

@test "crm-lead import: a workbook written by --format xlsx comes back the same" {
	add_leads
	crm-lead list --format xlsx --output "$BATS_TEST_TMPDIR/leads.xlsx"
	export CRM_DIR="$BATS_TEST_TMPDIR/other"
	crm init "$CRM_DIR" 2>/dev/null
	run --separate-stderr crm-lead import "$BATS_TEST_TMPDIR/leads.xlsx"
	assert_success
	assert_equal "$stderr" "crm-lead: $BATS_TEST_TMPDIR/leads.xlsx: read 3, imported 3, updated 0, duplicates 0, rejected 0, skipped 0"
	run crm-lead list --sort name --format tsv
	assert_line --index 1 --regexp $'^L-[0-9A-Z]+\t=1\\+1\t\t\teq@example.com\t\t\tnew\t\t\t-3\t'
	assert_line --index 3 --regexp $'^L-[0-9A-Z]+\t张伟\t华为技术有限公司\t\t\t013800138000\t\tnew\t\t\t12000.50\t2026-03-09\t'
	run crm-lead list --where '.name == "Wei Li"' --format jsonl
	assert_output --partial '"notes":"first line\nsecond line, long enough'
}

@test "crm-lead list --output: any format into a file, atomically" {
	add_leads
	crm-lead list --format csv > "$BATS_TEST_TMPDIR/want.csv"
	mkdir "$BATS_TEST_TMPDIR/out"
	run crm-lead list --output "$BATS_TEST_TMPDIR/out/leads.csv"
	assert_success
	assert_output ""
	cmp "$BATS_TEST_TMPDIR/want.csv" "$BATS_TEST_TMPDIR/out/leads.csv"
	run ls -A "$BATS_TEST_TMPDIR/out"
	assert_output "leads.csv"
	# By its name, .xlsx is a workbook.
	crm-lead list --output "$BATS_TEST_TMPDIR/out/leads.xlsx"
	run xlsxcat "$BATS_TEST_TMPDIR/out/leads.xlsx"
	assert_line --index 0 --partial "1,id,name,company,"
}

@test "crm-lead list --output: a directory that is not there exits 3 and leaves nothing" {
	add_leads
	run -3 --separate-stderr crm-lead list --format xlsx --output "$BATS_TEST_TMPDIR/nope/leads.xlsx"
	assert_output ""
	assert_regex "$stderr" "^crm-lead: cannot create $BATS_TEST_TMPDIR/nope/"
}

@test "crm-opp list and crm-cust list --format xlsx: a sheet named after the table" {
	examples_copy
	crm-opp list --format xlsx --output "$BATS_TEST_TMPDIR/opps.xlsx"
	crm-cust list --format xlsx --output "$BATS_TEST_TMPDIR/cust.xlsx"
	run xlsxcat "$BATS_TEST_TMPDIR/opps.xlsx" opportunities
	assert_success
	assert_equal "${#lines[@]}" "$(crm-opp list --format csv | wc -l)"
	run xlsxcat "$BATS_TEST_TMPDIR/cust.xlsx" customers
	assert_success
	assert_equal "${#lines[@]}" "$(crm-cust list --format csv | wc -l)"
}

# The funnel's csv, the group column ($1) chosen by want ("" or "owner"),
# as xlsxcat reads the workbook: numbered rows, numbers as Excel's General
# shows them, no trailing empty cell.
funnel_as_sheet() {
	crm-funnel -C "$FIXTURES/funnel" --by owner --format csv | awk -F, -v want="$1" '
		NR == 1 { print "1," (want == "" ? "section,pipeline,key,metric,value" : "owner," substr($0, 7)); n = 1; next }
		(want == "") != ($1 == "") { next }
		{
			if ($6 ~ /^-?[0-9]+(\.[0-9]+)?$/) $6 = sprintf("%.15g", $6)
			line = (want == "" ? "" : $1 ",") $2 "," $3 "," $4 "," $5 "," $6
			sub(/,$/, "", line)
			print ++n "," line
		}'
}

@test "crm-funnel --format xlsx: figures on one sheet, the owners on another" {
	run crm-funnel -C "$FIXTURES/funnel" --by owner --format xlsx --output "$BATS_TEST_TMPDIR/f.xlsx"
	assert_success
	assert_output ""
	run xlsxcat "$BATS_TEST_TMPDIR/f.xlsx" funnel
	assert_success
	assert_output "$(funnel_as_sheet "")"
	run xlsxcat "$BATS_TEST_TMPDIR/f.xlsx" "by owner"
	assert_success
	assert_output "$(funnel_as_sheet owner)"
	assert_line --index 1 "2,alice,stage,new-business,lead,reached,6"
	run unzip -p "$BATS_TEST_TMPDIR/f.xlsx" xl/workbook.xml
	assert_output --partial '<sheet name="funnel" sheetId="1" r:id="rId1"/><sheet name="by owner" sheetId="2" r:id="rId2"/>'
}

@test "crm-funnel forecast --format xlsx: one sheet, amounts as numbers" {
	run crm-funnel -C "$FIXTURES/funnel" forecast --by owner --output "$BATS_TEST_TMPDIR/fc.xlsx"
	assert_success
	run xlsxcat "$BATS_TEST_TMPDIR/fc.xlsx" forecast
	assert_output "1,owner,period,deals,amount,weighted,commit,best_case,pipeline
2,,2026-03,2,1800.18,300.03,0,0,1800.18
3,,2026-04,1,2500.25,875.09,0,2500.25,0
4,,later,1,5000.5,3750.38,5000.5,0,0
5,,no date,1,800.08,80.01,0,0,800.08
6,,overdue,1,3500.35,2625.26,3500.35,0,0
7,alice,2026-04,1,2500.25,875.09,0,2500.25,0
8,alice,later,1,5000.5,3750.38,5000.5,0,0
9,alice,no date,1,800.08,80.01,0,0,800.08
10,bob,2026-03,2,1800.18,300.03,0,0,1800.18
11,bob,overdue,1,3500.35,2625.26,3500.35,0,0"
}

@test "crm-funnel --format xlsx: without --output, and --output with csv, are usage errors" {
	run -2 --separate-stderr crm-funnel -C "$FIXTURES/funnel" --format xlsx
	assert_output ""
	assert_equal "${stderr_lines[0]}" "crm-funnel: --format xlsx: give the file with --output"
	run -2 --separate-stderr crm-funnel -C "$FIXTURES/funnel" --format csv --output "$BATS_TEST_TMPDIR/f.csv"
	assert_equal "${stderr_lines[0]}" "crm-funnel: --output: only with --format xlsx"
	[ ! -e "$BATS_TEST_TMPDIR/f.csv" ]
}

@test "crm-cust import: the workbook crm-cust list --format xlsx wrote brings the same customers back" {
	examples_copy
	crm-cust list --format xlsx --output "$BATS_TEST_TMPDIR/cust.xlsx"
	want=$(crm-cust list --format tsv | cut -f2,9,10 | sort)
	export CRM_DIR="$BATS_TEST_TMPDIR/other"
	crm init "$CRM_DIR" 2>/dev/null
	run --separate-stderr crm-cust import --sheet customers "$BATS_TEST_TMPDIR/cust.xlsx"
	assert_success
	assert_equal "${stderr_lines[0]}" "crm-cust: $BATS_TEST_TMPDIR/cust.xlsx: read 41, imported 41, updated 0, duplicates 0, rejected 0, skipped 0"
	run crm-cust list --format tsv
	assert_equal "$(cut -f2,9,10 <<<"$output" | sort)" "$want"
}

@test "crm-opp import: a workbook's rows are named by sheet and cell" {
	examples_copy
	crm-opp list --sort name --format xlsx --output "$BATS_TEST_TMPDIR/deals.xlsx"
	export CRM_DIR="$BATS_TEST_TMPDIR/other"
	crm init "$CRM_DIR" 2>/dev/null
	run crm-opp import --dry-run "$BATS_TEST_TMPDIR/deals.xlsx"
	assert_success
	assert_line --index 0 "# $BATS_TEST_TMPDIR/deals.xlsx: sheet opportunities"
	assert_line --regexp "^$BATS_TEST_TMPDIR/deals.xlsx:opportunities!A2: "
}

@test "crm-lead list and crm-funnel --output: a file of the data directory is refused" {
	add_leads
	cp "$CRM_DIR/leads.csv" "$BATS_TEST_TMPDIR/before.csv"
	run -2 --separate-stderr crm-lead list --where '.name == "Wei Li"' --output "$CRM_DIR/leads.csv"
	assert_output ""
	assert_equal "${stderr_lines[0]}" "crm-lead: --output: '$CRM_DIR/leads.csv' is a file of the data directory"
	cmp "$BATS_TEST_TMPDIR/before.csv" "$CRM_DIR/leads.csv"
	run -2 --separate-stderr crm-funnel --format xlsx --output "$CRM_DIR/opportunities.csv"
	assert_equal "${stderr_lines[0]}" "crm-funnel: --output: '$CRM_DIR/opportunities.csv' is a file of the data directory"
}

# ---- the report verbs' --output ---------------------------------------------

@test "crm-cust pay list --output: a payments sheet read back cell by cell" {
	examples_copy
	run crm-cust pay list --overdue --output "$BATS_TEST_TMPDIR/pay.xlsx"
	assert_success
	assert_output ""
	run xlsxcat "$BATS_TEST_TMPDIR/pay.xlsx" payments
	assert_success
	assert_output "1,id,contract,customer,due,amount,paid,outstanding,days_overdue,status
2,Y-5XTWM41M,K-DPYEZRNY,C-BBS01H84,2025-11-15,44000,26400,17600,107,overdue
3,Y-9C7T72XA,K-AKR4MCCB,C-GFWVSMMT,2026-01-06,82500,41250,41250,55,overdue
4,Y-R01QRBQD,K-60JYK6PQ,C-951W03VD,2026-01-24,330500,0,330500,37,overdue
5,Y-MA15RHAM,K-BTM5FBMQ,C-8BC1R4S7,2026-01-27,110000,0,110000,34,overdue
6,Y-CBAE4VJC,K-JGWHFVJB,C-T2TGEMDX,2026-02-15,345000,0,345000,15,overdue"
	# Any format into the file; the terminal table's total row stays out
	# of a csv file.
	run crm-cust pay list --overdue --output "$BATS_TEST_TMPDIR/pay.csv"
	assert_success
	run cat "$BATS_TEST_TMPDIR/pay.csv"
	assert_output "$(crm-cust pay list --overdue --format csv)"
	refute_output --partial total
}

@test "crm-cust tier --dry-run --output: the tier sheet, nothing changed" {
	examples_copy
	cp "$CRM_DIR/customers.csv" "$BATS_TEST_TMPDIR/before.csv"
	run crm-cust tier --dry-run --format xlsx --output "$BATS_TEST_TMPDIR/tier.xlsx"
	assert_success
	assert_output ""
	cmp "$BATS_TEST_TMPDIR/before.csv" "$CRM_DIR/customers.csv"
	run xlsxcat "$BATS_TEST_TMPDIR/tier.xlsx" tier
	assert_success
	assert_equal "${#lines[@]}" 22
	assert_line --index 0 "1,id,name,revenue,from,to"
	assert_line --index 1 '2,C-AWSNZXMC,"Aurora Medical Devices (Shanghai) Co., Ltd.",665000,B,A'
	assert_line --index 2 "3,C-8BC1R4S7,西安秦川航空材料有限公司,530000,B,A"
	assert_line --index 7 "8,C-990G86TV,张伟,95000,,C"
	assert_output "$(crm-cust tier --dry-run --format csv | awk '{ print NR "," $0 }')"
}

@test "crm-cust tier --output: the report written, then the tiers committed" {
	examples_copy
	want=$(crm-cust tier --dry-run --format csv)
	run crm-cust tier --output "$BATS_TEST_TMPDIR/tier.csv"
	assert_success
	assert_output ""
	run cat "$BATS_TEST_TMPDIR/tier.csv"
	assert_output "$want"
	run crm-cust list --where '.id == "C-AWSNZXMC"' --format tsv
	assert_line --index 1 --partial $'\tA\t'
	run -1 crm-cust tier --dry-run --format csv
}

@test "crm-cust tier and reclaim --output: a file that cannot be written exits 3 and changes nothing" {
	examples_copy
	cp "$CRM_DIR/customers.csv" "$BATS_TEST_TMPDIR/before.csv"
	run -3 --separate-stderr crm-cust tier --output "$BATS_TEST_TMPDIR/nope/tier.xlsx"
	assert_output ""
	assert_regex "$stderr" "^crm-cust: cannot create $BATS_TEST_TMPDIR/nope/"
	run -3 --separate-stderr crm-cust reclaim --output "$BATS_TEST_TMPDIR/nope/reclaim.csv"
	assert_output ""
	assert_regex "$stderr" "^crm-cust: cannot create $BATS_TEST_TMPDIR/nope/"
	cmp "$BATS_TEST_TMPDIR/before.csv" "$CRM_DIR/customers.csv"
	[ ! -e "$BATS_TEST_TMPDIR/nope" ]
}

@test "crm-opp stale --output: the stale sheet read back cell by cell" {
	examples_copy
	run crm-opp stale --owner bob --output "$BATS_TEST_TMPDIR/stale.xlsx"
	assert_success
	assert_output ""
	run xlsxcat "$BATS_TEST_TMPDIR/stale.xlsx" stale
	assert_success
	assert_output "1,id,name,customer,owner,stage,amount,last_touch,rot_days,days_overdue
2,O-1ADMR47P,BI 报表定制开发,C-99X7F1C7,bob,proposal,115000,2026-01-15,10,36
3,O-7XM80PKF,数据分析顾问服务包,C-99X7F1C7,bob,lead,105000,2026-01-25,14,22
4,O-TXCZFNSA,数据中台一期 / Data platform phase 1,C-ZPZX4317,bob,lead,335000,2026-02-03,14,13"
	# amount is money, last_touch an Excel date, the days numbers.
	run unzip -p "$BATS_TEST_TMPDIR/stale.xlsx" xl/worksheets/sheet1.xml
	assert_output --partial '<c r="F2" s="2"><v>115000</v></c><c r="G2" s="3"><v>46037</v></c><c r="H2"><v>10</v></c><c r="I2"><v>36</v></c>'
}

@test "crm-remind --output: the reminders sheet, and text into a file" {
	examples_copy
	run crm-remind --owner bob --kind payment,pool --output "$BATS_TEST_TMPDIR/due.xlsx"
	assert_success
	assert_output ""
	run xlsxcat "$BATS_TEST_TMPDIR/due.xlsx" reminders
	assert_success
	assert_output '1,kind,owner,entity,id,name,due,overdue,reason
2,payment,bob,payment,Y-CBAE4VJC,实时数仓实施服务,2026-02-15,15,"345000 of 345000 outstanding, due 2026-02-15"
3,pool,bob,customer,C-A82KFCQK,武汉长江新能源汽车零部件有限公司,2026-03-06,-4,returns to the public pool: no follow-up since 2026-02-04'
	run crm-remind --owner bob --kind payment --format text --output "$BATS_TEST_TMPDIR/due.txt"
	assert_success
	assert_output ""
	run cat "$BATS_TEST_TMPDIR/due.txt"
	assert_output "bob (1)
  15 days overdue  payment    Y-CBAE4VJC  实时数仓实施服务
      345000 of 345000 outstanding, due 2026-02-15"
}

@test "report verbs: xlsx without --output, --output with mail, a data file as --output are usage errors" {
	examples_copy
	run -2 --separate-stderr crm-cust pay list --format xlsx
	assert_output ""
	assert_equal "${stderr_lines[0]}" "crm-cust: --format xlsx: give the file with --output"
	run -2 --separate-stderr crm-opp stale --format xlsx
	assert_equal "${stderr_lines[0]}" "crm-opp: --format xlsx: give the file with --output"
	run -2 --separate-stderr crm-lead dedupe --format xlsx
	assert_equal "${stderr_lines[0]}" "crm-lead: --format xlsx: give the file with --output"
	run -2 --separate-stderr crm-remind --format xlsx
	assert_equal "${stderr_lines[0]}" "crm-remind: --format xlsx: give the file with --output"
	run -2 --separate-stderr crm-remind --format mail --output "$BATS_TEST_TMPDIR/m"
	assert_equal "${stderr_lines[0]}" "crm-remind: --output: not with --format mail (--mbox writes the mail to a file)"
	run -2 --separate-stderr crm-cust tier --format xml
	assert_equal "${stderr_lines[0]}" "crm-cust: --format: 'xml' is not one of table, csv, tsv, jsonl, ids, xlsx"
	cp "$CRM_DIR/customers.csv" "$BATS_TEST_TMPDIR/before.csv"
	run -2 --separate-stderr crm-cust tier --output "$CRM_DIR/customers.csv"
	assert_equal "${stderr_lines[0]}" "crm-cust: --output: '$CRM_DIR/customers.csv' is a file of the data directory"
	cmp "$BATS_TEST_TMPDIR/before.csv" "$CRM_DIR/customers.csv"
	run -2 --separate-stderr crm-remind --format text --output "$CRM_DIR/customers.csv"
	assert_equal "${stderr_lines[0]}" "crm-remind: --output: '$CRM_DIR/customers.csv' is a file of the data directory"
	[ ! -e "$BATS_TEST_TMPDIR/m" ]
}
