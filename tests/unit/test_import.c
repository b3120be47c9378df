/* test_import.c - the importer: exports from other systems, as they are */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "unit.h"

#define FIX "tests/fixtures/import/"
#define MAX_ROWS 16

static char dir[] = "/tmp/crm-test-import-XXXXXX";

/* What an import gave: the mapping, and a copy of every row. */
struct got {
	int rc;
	struct crm_err err;
	char *mapping;          /* "Source>field|Source>field..." */
	char enc[32];
	char delim;
	size_t skipped, n, ncols, total;
	char **fields;
	long line[MAX_ROWS];
	char *reject[MAX_ROWS];
	char **vals[MAX_ROWS];
	size_t nraw[MAX_ROWS];
};

static int collect(void *ctx, const struct import_row *row,
		   struct crm_err *err)
{
	struct got *g = ctx;
	size_t i, r = g->n;

	g->total++;
	if (r == MAX_ROWS)
		return 0;
	g->line[r] = row->line;
	g->reject[r] = row->reject ? xstrdup(row->reject) : NULL;
	g->nraw[r] = row->nraw;
	g->vals[r] = xcalloc(g->ncols, sizeof(char *));
	for (i = 0; i < g->ncols; i++)
		g->vals[r][i] = xstrdup(row->vals[i]);
	g->n++;
	return 0;
}

static void got_free(struct got *g)
{
	for (size_t r = 0; r < g->n; r++) {
		for (size_t i = 0; i < g->ncols; i++)
			free(g->vals[r][i]);
		free(g->vals[r]);
		free(g->reject[r]);
	}
	for (size_t i = 0; i < g->ncols; i++)
		free(g->fields[i]);
	free(g->fields);
	free(g->mapping);
	memset(g, 0, sizeof *g);
}

static void copy_mapping(struct got *g, const struct import *im)
{
	struct buf b = {0};

	buf_adds(&b, "");
	g->ncols = import_ncols(im);
	g->fields = xcalloc(g->ncols + 1, sizeof *g->fields);
	for (size_t i = 0; i < g->ncols; i++) {
		buf_printf(&b, "%s%s>%s", i ? "|" : "", import_source(im, i),
			   import_field(im, i));
		g->fields[i] = xstrdup(import_field(im, i));
	}
	g->mapping = b.s;
	snprintf(g->enc, sizeof g->enc, "%s", import_encoding(im));
	g->delim = import_delimiter(im);
}

/* Import file into table; rc -2 when import_open failed (err says why). */
static int load(struct got *g, const char *file, const char *table,
		const struct import_opts *opts)
{
	struct import_opts o = {0};
	struct import *im;

	memset(g, 0, sizeof *g);
	if (opts)
		o = *opts;
	o.def = table_def_find(table);
	if (!(im = import_open(file, &o, &g->err)))
		return g->rc = -2;
	copy_mapping(g, im);
	g->rc = import_run(im, collect, g, &g->skipped, &g->err);
	import_close(im);
	return g->rc;
}

/* Row r's value of field, or "(no such field)". */
static const char *val(const struct got *g, size_t r, const char *field)
{
	if (r >= g->n)
		return "(no such row)";
	for (size_t i = 0; i < g->ncols; i++)
		if (!strcmp(g->fields[i], field))
			return g->vals[r][i];
	return "(no such field)";
}

static const char *why(const struct got *g, size_t r)
{
	return r < g->n ? g->reject[r] : "(no such row)";
}

static char *write_tmp(const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");

	fwrite(text, 1, len, fp);
	fclose(fp);
	return path;
}

/* ---- the export formats ------------------------------------------------ */

static void test_salesforce(void)
{
	struct import_opts o = {0};
	struct got g;

	o.date_order = "mdy";
	is_int(load(&g, FIX "salesforce-leads.csv", "leads", &o), 0,
	       "salesforce: imports");
	is_str(g.mapping, "Lead Owner>owner|First Name + Last Name>name|"
	       "Title>title|Company / Account>company|Email>email|"
	       "Phone>phone|Mobile>Mobile|Lead Source>source|"
	       "Lead Status>status|Create Date>created|Lead ID>source_id",
	       "salesforce: mapping (Mobile kept: phone was taken)");
	is_str(g.enc, "UTF-8", "salesforce: UTF-8");
	is_int(g.delim, ',', "salesforce: comma");
	is_int(g.n, 5, "salesforce: 5 data rows");
	is_int(g.skipped, 7, "salesforce: 2 blank + 5 footer lines skipped");
	is_int(g.line[0], 2, "salesforce: first row on line 2");
	is_str(why(&g, 0), NULL, "salesforce: row 2 imports");
	is_str(val(&g, 0, "name"), "Wei Zhang", "salesforce: first + last");
	is_str(val(&g, 0, "email"), "Wei.Zhang@Galaxy.example",
	       "salesforce: e-mail as written");
	is_str(val(&g, 0, "phone"), "+86 21 6555 1234", "salesforce: phone");
	is_str(val(&g, 0, "Mobile"), "+86 138 0013 8000",
	       "salesforce: mobile as a custom field");
	is_str(val(&g, 0, "status"), "new",
	       "salesforce: Open - Not Contacted is new");
	is_str(val(&g, 0, "created"), "2026-03-02", "salesforce: mdy date");
	is_str(val(&g, 0, "source_id"), "00Q5g00000AAAA1",
	       "salesforce: Lead ID is the source id");
	is_str(val(&g, 1, "status"), "working",
	       "salesforce: Working - Contacted is working");
	is_str(val(&g, 2, "name"), "张伟",
	       "salesforce: Chinese names family name first, no space");
	is_str(val(&g, 2, "status"), "converted",
	       "salesforce: Closed - Converted");
	is_str(val(&g, 2, "title"), "", "salesforce: empty stays empty");
	is_int(g.line[3], 5, "salesforce: row on line 5");
	is_str(why(&g, 3), "no name, company, e-mail or phone",
	       "salesforce: a row with no identity is a reject");
	is_int(g.line[4], 6, "salesforce: row on line 6");
	is_str(why(&g, 4), "bad e-mail 'tom(at)baker.example'",
	       "salesforce: bad e-mail is a reject");
	is_str(val(&g, 4, "email"), "tom(at)baker.example",
	       "salesforce: a reject keeps the value as read");
	got_free(&g);

	load(&g, FIX "salesforce-leads.csv", "leads", NULL);
	is_str(why(&g, 0), "date '3/2/2026' is ambiguous: use --date-order",
	       "salesforce: no --date-order, no guess");
	is_str(why(&g, 3), "no name, company, e-mail or phone",
	       "salesforce: identity is the first reason");
	got_free(&g);
}

static void test_hubspot(void)
{
	const char *maps[] = {
		"Company Name=title", "job title = Company",
		"Lifecycle Stage=lifecycle"
	};
	struct import_opts o = {0};
	struct got g;

	is_int(load(&g, FIX "hubspot-contacts.csv", "leads", NULL), 0,
	       "hubspot: imports");
	is_str(g.mapping, "Record ID>source_id|First Name + Last Name>name|"
	       "Email>email|Phone Number>phone|Company Name>company|"
	       "Job Title>title|Lead Status>status|Contact owner>owner|"
	       "Create Date>created|Lifecycle Stage>Lifecycle Stage|"
	       "Website URL>website", "hubspot: mapping");
	is_int(g.n, 5, "hubspot: 5 rows");
	is_int(g.skipped, 0, "hubspot: nothing skipped");
	is_str(val(&g, 0, "status"), "new", "hubspot: NEW");
	is_str(val(&g, 0, "created"), "2026-02-20",
	       "hubspot: timestamp keeps its date");
	is_str(val(&g, 0, "website"), "https://hzcloud.example",
	       "hubspot: website");
	is_str(val(&g, 1, "email"), "MARK@JONES.EXAMPLE",
	       "hubspot: e-mail trimmed");
	is_str(val(&g, 1, "status"), "working", "hubspot: IN_PROGRESS");
	is_str(val(&g, 1, "phone"), "(415) 555-0100 x12",
	       "hubspot: phone as written");
	is_str(why(&g, 2), "status 'BAD_TIMING' is not one of "
	       "new|working|qualified|converted|dropped",
	       "hubspot: unknown status is a reject");
	is_int(g.line[3], 5, "hubspot: id-only row on line 5");
	is_str(why(&g, 3), "no name, company, e-mail or phone",
	       "hubspot: a record id alone is no identity");
	is_str(why(&g, 4), "phone '1.38001E+10' lost its digits in Excel "
	       "(scientific notation)", "hubspot: mangled phone");
	is_str(val(&g, 4, "status"), "qualified", "hubspot: OPEN_DEAL");
	got_free(&g);

	o.maps = maps;
	o.nmaps = 3;
	is_int(load(&g, FIX "hubspot-contacts.csv", "leads", &o), 0,
	       "hubspot --map: imports");
	is_str(g.mapping, "Record ID>source_id|First Name + Last Name>name|"
	       "Email>email|Phone Number>phone|Company Name>title|"
	       "Job Title>company|Lead Status>status|Contact owner>owner|"
	       "Create Date>created|Lifecycle Stage>lifecycle|"
	       "Website URL>website",
	       "hubspot --map: maps override synonyms, add custom fields");
	is_str(val(&g, 0, "title"), "Hangzhou Cloud", "hubspot --map: value");
	got_free(&g);
}

static struct pipelines *default_pipelines(struct conf **c)
{
	struct pipelines *ps = xcalloc(1, sizeof *ps);
	struct crm_err err = {0};

	*c = conf_parse(conf_default_text, strlen(conf_default_text),
			"crm.conf", &err);
	if (!*c || pipelines_load(*c, ps, &err) < 0)
		printf("# %s\n", err.msg);
	return ps;
}

static void free_pipelines(struct pipelines *ps, struct conf *c)
{
	pipelines_free(ps);
	free(ps);
	conf_free(c);
}

static void test_pipedrive(void)
{
	const char *stage_maps[] = {"demo scheduled=Qualified"};
	struct import_opts o = {0};
	struct conf *c;
	struct pipelines *ps = default_pipelines(&c);
	struct got g;

	o.pipeline = pipeline_find(ps, NULL);
	is_int(load(&g, FIX "pipedrive-deals.csv", "opportunities", &o), 0,
	       "pipedrive: imports");
	is_str(g.mapping, "Deal - ID>source_id|Deal - Title>name|"
	       "Deal - Organization>customer|Deal - Contact person>contact|"
	       "Person - Email>email|Person - Phone>phone|"
	       "Deal - Value>amount|Deal - Currency>currency|"
	       "Deal - Stage>stage|Deal - Owner>owner|"
	       "Deal - Expected close date>close|Deal - Deal created>created|"
	       "Deal - Status>Deal - Status|Deal - Lost reason>reason",
	       "pipedrive: mapping");
	is_int(g.n, 5, "pipedrive: 5 rows");
	is_str(val(&g, 0, "name"), "Data platform rollout", "pipedrive: name");
	is_str(val(&g, 0, "amount"), "120000",
	       "pipedrive: thousands separators");
	is_str(val(&g, 0, "stage"), "proposal",
	       "pipedrive: Proposal Made -> proposal");
	is_str(val(&g, 0, "created"), "2026-02-01", "pipedrive: created");
	is_str(val(&g, 1, "stage"), "negotiation",
	       "pipedrive: Negotiations Started -> negotiation");
	is_int(g.line[2], 4, "pipedrive: line 4");
	is_str(why(&g, 2), "amount 'TBD' is not a number",
	       "pipedrive: TBD amount is a reject");
	is_str(val(&g, 2, "customer"), "上海联合信息", "pipedrive: customer");
	is_str(val(&g, 3, "stage"), "lost", "pipedrive: Closed Lost -> lost");
	is_str(val(&g, 3, "reason"), "Price", "pipedrive: lost reason");
	is_str(why(&g, 4), "stage 'Demo Scheduled' is not in pipeline "
	       "'new-business': use --map-stage",
	       "pipedrive: unknown stage is a reject, not a guess");
	got_free(&g);

	o.stage_maps = stage_maps;
	o.nstage_maps = 1;
	load(&g, FIX "pipedrive-deals.csv", "opportunities", &o);
	is_str(why(&g, 4), NULL, "pipedrive --map-stage: no reject");
	is_str(val(&g, 4, "stage"), "qualified",
	       "pipedrive --map-stage: mapped");
	got_free(&g);

	load(&g, FIX "pipedrive-deals.csv", "opportunities", NULL);
	is_str(val(&g, 0, "stage"), "Proposal Made",
	       "pipedrive without a pipeline: stage as read");
	is_str(why(&g, 4), NULL, "pipedrive without a pipeline: no reject");
	got_free(&g);
	free_pipelines(ps, c);
}

static void test_zoho(void)
{
	struct import_opts o = {0};
	struct conf *c;
	struct pipelines *ps = default_pipelines(&c);
	struct got g;

	o.pipeline = pipeline_find(ps, NULL);
	is_int(load(&g, FIX "zoho-deals.csv", "opportunities", &o), 0,
	       "zoho deals: imports (CRLF)");
	is_str(g.mapping, "Record Id>source_id|Deal Name>name|"
	       "Account Name>customer|Contact Name>contact|Amount>amount|"
	       "Stage>stage|Closing Date>close|Probability (%)>probability|"
	       "Deal Owner>owner|Lead Source>source|"
	       "Expected Revenue>Expected Revenue|Created Time>created|"
	       "Description>notes",
	       "zoho deals: mapping (Expected Revenue: amount was taken)");
	is_int(g.n, 4, "zoho deals: 4 rows");
	is_str(val(&g, 0, "amount"), "350000", "zoho deals: ¥350,000.00");
	is_str(val(&g, 0, "probability"), "75", "zoho deals: 75%");
	is_str(val(&g, 0, "stage"), "proposal",
	       "zoho deals: Proposal/Price Quote");
	is_str(val(&g, 0, "notes"), "Budget approved", "zoho deals: notes");
	is_str(val(&g, 1, "probability"), "20", "zoho deals: 0.2");
	is_str(val(&g, 1, "stage"), "qualified", "zoho deals: Needs Analysis");
	is_str(val(&g, 2, "probability"), "100", "zoho deals: 100");
	is_str(val(&g, 2, "stage"), "won", "zoho deals: Closed Won");
	is_str(why(&g, 3), "probability '140' is not 0 to 100",
	       "zoho deals: probability out of range");
	got_free(&g);
	free_pipelines(ps, c);

	is_int(load(&g, FIX "zoho-leads.csv", "leads", NULL), 0,
	       "zoho leads: imports");
	is_str(g.mapping, "Record Id>source_id|Lead Owner>owner|"
	       "Company>company|First Name + Last Name>name|"
	       "Designation>title|Email>email|Phone>phone|Mobile>Mobile|"
	       "Lead Source>source|Lead Status>status|Industry>industry|"
	       "City>city|Country>country|Created Time>created|"
	       "Description>notes", "zoho leads: mapping");
	is_str(val(&g, 0, "status"), "new", "zoho leads: Not Contacted");
	is_str(val(&g, 0, "title"), "CTO", "zoho leads: Designation");
	is_str(val(&g, 0, "phone"), "", "zoho leads: empty phone");
	is_str(val(&g, 1, "status"), "working",
	       "zoho leads: Contact in Future");
	is_str(val(&g, 1, "city"), "Berlin", "zoho leads: city");
	is_str(val(&g, 2, "status"), "dropped", "zoho leads: Junk Lead");
	is_int(g.skipped, 0, "zoho leads: nothing skipped");
	got_free(&g);
}

static void test_chinese_gb18030(void)
{
	struct got g;

	is_int(load(&g, FIX "chinese-gb18030.csv", "leads", NULL), 0,
	       "gb18030: imports as leads");
	is_str(g.enc, "GB18030", "gb18030: sniffed");
	is_int(g.delim, ',', "gb18030: comma");
	is_str(g.mapping, "客户名称>company|联系人>name|手机>phone|邮箱>email|"
	       "线索来源>source|负责人>owner|商机名称>商机名称|"
	       "商机阶段>商机阶段|预计成交金额>amount|"
	       "预计成交日期>预计成交日期|创建时间>created|备注>notes",
	       "gb18030 leads: mapping (deal columns kept as custom)");
	is_int(g.n, 5, "gb18030: 5 rows");
	is_int(g.skipped, 2, "gb18030: title line and 合计 skipped");
	is_int(g.line[0], 3, "gb18030: title line, header, data on line 3");
	is_str(val(&g, 0, "company"), "上海银河数据科技有限公司",
	       "gb18030: decoded");
	is_str(val(&g, 0, "amount"), "350000", "gb18030: 35万");
	is_str(val(&g, 0, "created"), "2026-02-01",
	       "gb18030: 2026/2/1 14:30");
	is_str(val(&g, 0, "notes"), "客户要求先做POC", "gb18030: notes");
	is_str(val(&g, 1, "amount"), "120000", "gb18030: ￥120,000");
	is_str(val(&g, 1, "预计成交日期"), "2026年5月15日",
	       "gb18030: custom field kept as read");
	is_int(g.line[2], 5, "gb18030: line 5");
	is_str(why(&g, 2), "bad e-mail 'liuyang#lianhe.example'",
	       "gb18030: bad e-mail");
	is_str(val(&g, 3, "notes"), "已签合同，\r\n首付款已到",
	       "gb18030: CRLF inside a quoted field kept");
	is_int(g.line[4], 8, "gb18030: line after a two-line record");
	is_str(why(&g, 4), "amount 'abc' is not a number",
	       "gb18030: bad amount");
	got_free(&g);
}

static void test_chinese_opportunities(void)
{
	struct import_opts o = {0};
	struct conf *c;
	struct pipelines *ps = default_pipelines(&c);
	struct got g;

	o.pipeline = pipeline_find(ps, NULL);
	is_int(load(&g, FIX "chinese-gb18030.csv", "opportunities", &o), 0,
	       "gb18030: imports as opportunities");
	is_str(g.mapping, "客户名称>customer|联系人>contact|手机>phone|"
	       "邮箱>email|线索来源>source|负责人>owner|商机名称>name|"
	       "商机阶段>stage|预计成交金额>amount|预计成交日期>close|"
	       "创建时间>created|备注>notes",
	       "gb18030 opportunities: combined sheet mapping");
	is_str(val(&g, 0, "stage"), "proposal", "gb18030: 方案报价");
	is_str(val(&g, 0, "close"), "2026-04-30", "gb18030: 2026/4/30");
	is_str(val(&g, 1, "stage"), "negotiation", "gb18030: 商务谈判");
	is_str(val(&g, 1, "close"), "2026-05-15", "gb18030: 2026年5月15日");
	is_str(val(&g, 1, "created"), "2026-02-05",
	       "gb18030: 2026-02-05 09:00:00");
	is_str(val(&g, 2, "stage"), "qualified", "gb18030: 需求确认");
	is_str(val(&g, 3, "stage"), "won", "gb18030: 赢单");
	is_str(val(&g, 3, "amount"), "500000", "gb18030: 50万");
	is_str(why(&g, 4), "stage '演示' is not in pipeline 'new-business': "
	       "use --map-stage", "gb18030: first bad value is the reason");
	got_free(&g);
	free_pipelines(ps, c);
}

static void test_bom_semicolon(void)
{
	struct import_opts o = {0};
	struct got g;

	o.date_order = "dmy";
	is_int(load(&g, FIX "bom-semicolon.csv", "leads", &o), 0,
	       "bom semicolon: imports");
	is_str(g.enc, "UTF-8", "bom semicolon: UTF-8");
	is_int(g.delim, ';', "bom semicolon: semicolon sniffed");
	is_str(g.mapping, "Name>name|Company>company|E-Mail>email|"
	       "Phone>phone|Amount>amount|Created>created|Notes>notes",
	       "bom semicolon: mapping (BOM not in the first header)");
	is_int(g.n, 4, "bom semicolon: 4 rows");
	is_str(val(&g, 0, "name"), "Jürgen Weiß", "bom semicolon: name");
	is_str(val(&g, 0, "amount"), "12500", "bom semicolon: 12.500,00");
	is_str(val(&g, 0, "created"), "2026-03-05",
	       "bom semicolon: 05.03.2026 dmy");
	is_str(val(&g, 0, "notes"), "Rückruf; nächste Woche",
	       "bom semicolon: quoted delimiter");
	is_str(val(&g, 1, "amount"), "1234.50", "bom semicolon: 1.234,5");
	is_str(val(&g, 2, "amount"), "2500", "bom semicolon: 2 500");
	is_str(val(&g, 3, "amount"), "", "bom semicolon: n/a is empty");
	is_str(why(&g, 3), "date '31.02.2026' is not a date in dmy order",
	       "bom semicolon: no such day");
	got_free(&g);

	load(&g, FIX "bom-semicolon.csv", "leads", NULL);
	is_str(why(&g, 2), "date '13.02.2026' is ambiguous: use --date-order",
	       "bom semicolon: even 13.02 needs --date-order");
	got_free(&g);
}

static void test_embedded_newlines(void)
{
	struct got g;

	is_int(load(&g, FIX "embedded-newlines.csv", "leads", NULL), 0,
	       "newlines: imports");
	is_int(g.n, 4, "newlines: 4 records");
	is_int(g.line[0], 2, "newlines: line 2");
	is_int(g.line[1], 4, "newlines: line 4");
	is_int(g.line[2], 7, "newlines: line 7");
	is_int(g.line[3], 8, "newlines: line 8");
	is_str(val(&g, 0, "notes"), "first line\nsecond line",
	       "newlines: two lines");
	is_str(val(&g, 1, "notes"), "three\nlines\nhere",
	       "newlines: three lines");
	is_str(val(&g, 2, "notes"), "with \"quotes\" and, commas",
	       "newlines: quotes and commas");
	is_str(val(&g, 3, "notes"), "crlf\r\ninside", "newlines: CRLF inside");
	is_str(why(&g, 3), NULL, "newlines: no company is fine");
	got_free(&g);
}

static void test_tab(void)
{
	struct got g;

	is_int(load(&g, FIX "tab.tsv", "leads", NULL), 0, "tab: imports");
	is_int(g.delim, '\t', "tab: sniffed");
	is_str(g.mapping, "Full Name>name|Organization>company|"
	       "E-mail Address>email|Mobile Phone>phone|Lead Source>source|"
	       "Status>status|Probability (%)>Probability (%)|"
	       "Country>country", "tab: mapping");
	is_int(g.n, 3, "tab: 3 rows (an empty line is no row)");
	is_int(g.skipped, 0, "tab: nothing counted as skipped");
	is_str(val(&g, 0, "status"), "qualified", "tab: Qualified");
	is_str(val(&g, 1, "name"), "Mei, Ling", "tab: comma inside a field");
	is_str(val(&g, 1, "company"), "Ling Trading, Ltd",
	       "tab: commas don't split");
	is_str(val(&g, 1, "status"), "qualified", "tab: 已确认");
	is_str(val(&g, 1, "Probability (%)"), "0.4",
	       "tab: a custom field is kept as read");
	is_int(g.line[2], 5, "tab: line 5");
	is_str(val(&g, 2, "status"), "new", "tab: New");
	got_free(&g);
}

static void test_unicode_text(void)
{
	struct got g;

	is_int(load(&g, FIX "excel-unicode.txt", "leads", NULL), 0,
	       "utf-16: imports");
	is_str(g.enc, "UTF-16LE", "utf-16: BOM sniffed");
	is_int(g.delim, '\t', "utf-16: tab");
	is_str(g.mapping, "姓名>name|公司>company|电话>phone|邮箱>email",
	       "utf-16: mapping");
	is_int(g.n, 2, "utf-16: 2 rows");
	is_str(val(&g, 0, "name"), "李雷", "utf-16: decoded");
	is_str(val(&g, 1, "email"), "meimei@hmm.example",
	       "utf-16: last field without CR");
	got_free(&g);
}

/* ---- malformed files ------------------------------------------------- */

static void test_ragged(void)
{
	struct got g;

	is_int(load(&g, FIX "ragged.csv", "leads", NULL), 0,
	       "ragged: not fatal");
	is_int(g.n, 5, "ragged: 5 rows");
	is_int(g.skipped, 1, "ragged: the all-empty row skipped");
	is_str(why(&g, 0), NULL, "ragged: good row");
	is_int(g.line[1], 3, "ragged: line 3");
	is_str(why(&g, 1), "row has 3 fields, header has 4",
	       "ragged: short row");
	is_int(g.nraw[1], 3, "ragged: raw fields as read");
	is_str(val(&g, 1, "name"), "", "ragged: no values");
	is_int(g.line[2], 4, "ragged: line 4");
	is_str(why(&g, 2), "row has 5 fields, header has 4",
	       "ragged: long row");
	is_str(why(&g, 3), NULL, "ragged: empty extra fields are fine");
	is_str(val(&g, 3, "phone"), "789", "ragged: its values");
	is_int(g.line[4], 7, "ragged: line 7");
	got_free(&g);
}

static void test_fatal_parse(void)
{
	struct got g;

	is_int(load(&g, FIX "unterminated.csv", "leads", NULL), -1,
	       "unterminated: fatal");
	is_int(g.total, 1, "unterminated: the row before it was read");
	is_str(g.err.file, FIX "unterminated.csv", "unterminated: file");
	is_int(g.err.line, 3, "unterminated: line where the record starts");
	is_str(g.err.msg, "unterminated quoted field", "unterminated: message");
	got_free(&g);

	is_int(load(&g, FIX "stray-quote.csv", "leads", NULL), -1,
	       "stray quote: fatal");
	is_int(g.err.line, 3, "stray quote: line");
	is_str(g.err.msg, "malformed quoted field: '\"' inside an unquoted "
	       "field", "stray quote: message");
	got_free(&g);
}

static void test_fatal_encoding(void)
{
	struct import_opts o = {0};
	struct got g;

	is_int(load(&g, FIX "bad-gb18030.csv", "leads", NULL), -2,
	       "bad gb18030: fatal at open");
	is_str(g.err.file, FIX "bad-gb18030.csv", "bad gb18030: file");
	is_int(g.err.line, 3, "bad gb18030: line of the bad byte");
	is_str(g.err.msg, "not UTF-8, and byte 0xFF is not GB18030 either: "
	       "use --encoding", "bad gb18030: message");
	got_free(&g);

	o.encoding = "GB18030";
	load(&g, FIX "bad-gb18030.csv", "leads", &o);
	is_int(g.err.line, 3, "bad gb18030 --encoding: line");
	is_str(g.err.msg, "byte 0xFF is not valid GB18030",
	       "bad gb18030 --encoding: message");
	got_free(&g);

	is_int(load(&g, FIX "cp1252.csv", "leads", NULL), -2,
	       "cp1252: refused, not decoded as GB18030");
	is_int(g.err.line, 2, "cp1252: line");
	is_str(g.err.msg, "not UTF-8, and not GB18030 either (it looks like "
	       "a European code page): use --encoding, e.g. --encoding "
	       "WINDOWS-1252", "cp1252: message");
	got_free(&g);

	o.encoding = "WINDOWS-1252";
	is_int(load(&g, FIX "cp1252.csv", "leads", &o), 0,
	       "cp1252 --encoding: imports");
	is_str(g.enc, "WINDOWS-1252", "cp1252 --encoding: named");
	is_int(g.delim, ';', "cp1252 --encoding: semicolon");
	is_str(val(&g, 0, "name"), "Jürgen Weiß", "cp1252 --encoding: name");
	is_str(val(&g, 0, "city"), "München", "cp1252 --encoding: city");
	is_str(val(&g, 1, "company"), "Société SA",
	       "cp1252 --encoding: company");
	got_free(&g);

	o.encoding = "utf8";
	is_int(load(&g, FIX "cp1252.csv", "leads", &o), -1,
	       "cp1252 as UTF-8: fatal while reading");
	is_int(g.err.line, 2, "cp1252 as UTF-8: line");
	is_str(g.err.msg, "invalid UTF-8 in field 1",
	       "cp1252 as UTF-8: message");
	got_free(&g);
}

static void test_open_errors(void)
{
	struct import_opts o = {0};
	struct got g;

	load(&g, FIX "missing.csv", "leads", NULL);
	is_str(g.err.msg, "cannot open " FIX "missing.csv: No such file or "
	       "directory", "missing file");
	got_free(&g);

	is_int(load(&g, FIX "empty.csv", "leads", NULL), -2, "empty file");
	is_str(g.err.msg, "no header row", "empty file: message");
	got_free(&g);

	is_int(load(&g, FIX "header-only.csv", "leads", NULL), 0,
	       "header only: fine");
	is_int(g.total, 0, "header only: no rows");
	is_str(g.mapping, "name>name|email>email", "header only: mapping");
	got_free(&g);

	o.date_order = "myd";
	load(&g, FIX "ragged.csv", "leads", &o);
	is_int(g.err.code, CRM_USAGE, "bad --date-order: usage");
	is_str(g.err.msg, "--date-order: 'myd' is not ymd, mdy or dmy",
	       "bad --date-order: message");
	got_free(&g);

	memset(&o, 0, sizeof o);
	o.encoding = "KLINGON-8";
	load(&g, FIX "ragged.csv", "leads", &o);
	is_int(g.err.code, CRM_USAGE, "unknown --encoding: usage");
	is_str(g.err.msg, "--encoding: 'KLINGON-8' is not an encoding this "
	       "system knows", "unknown --encoding: message");
	got_free(&g);
}

static void test_map_errors(void)
{
	const char *no_column[] = {"Nope=notes"}, *to_id[] = {"name=id"};
	const char *no_eq[] = {"name"}, *twice[] = {"name=a", "email=a"};
	const char *bad_name[] = {"name=a,b"};
	struct import_opts o = {0};
	struct got g;

	o.maps = no_column;
	o.nmaps = 1;
	load(&g, FIX "ragged.csv", "leads", &o);
	is_int(g.err.code, CRM_USAGE, "--map unknown column: usage error");
	is_str(g.err.msg, "--map 'Nope=notes': " FIX "ragged.csv has no "
	       "column 'Nope'", "--map unknown column: message");
	got_free(&g);

	o.maps = to_id;
	load(&g, FIX "ragged.csv", "leads", &o);
	is_str(g.err.msg, "--map 'name=id': ids are made on import (map it "
	       "to source_id)", "--map to id");
	got_free(&g);

	o.maps = no_eq;
	load(&g, FIX "ragged.csv", "leads", &o);
	is_str(g.err.msg, "--map 'name': not COLUMN=FIELD", "--map without =");
	got_free(&g);

	o.maps = twice;
	o.nmaps = 2;
	load(&g, FIX "ragged.csv", "leads", &o);
	is_str(g.err.msg, "--map 'email=a': mapped twice", "--map twice");
	got_free(&g);

	o.maps = bad_name;
	o.nmaps = 1;
	load(&g, FIX "ragged.csv", "leads", &o);
	is_str(g.err.msg, "--map 'name=a,b': 'a,b' is not a field name",
	       "--map to a bad field name");
	got_free(&g);
}

/* ---- mapping and values --------------------------------------------- */

static void test_dup_headers(void)
{
	struct got g;

	is_int(load(&g, FIX "dup-headers.csv", "leads", NULL), 0,
	       "duplicate headers: imports");
	is_str(g.mapping, "Email>email|email>email 2|Notes>notes|Notes>Notes|"
	       ">column 5|Amount (万元)>amount|Budget, USD>Budget USD|"
	       "name>name", "duplicate headers: first wins, rest custom "
	       "and unique");
	is_str(val(&g, 0, "email 2"), "c@d.example",
	       "duplicate headers: second e-mail kept");
	is_str(val(&g, 0, "Notes"), "n2", "duplicate headers: second notes");
	is_str(val(&g, 0, "column 5"), "x", "duplicate headers: no header");
	is_str(val(&g, 0, "amount"), "350000",
	       "duplicate headers: amount in 万元");
	is_str(val(&g, 0, "Budget USD"), "1,000",
	       "duplicate headers: custom value untouched");
	got_free(&g);
}

static void test_dates(void)
{
	static const char *const want[4][8] = {
		{"2026-03-05", "date '3/5/2026' is ambiguous: use --date-order",
		 "2026-03-05", "2026-03-05",
		 "date '13/5/2026' is ambiguous: use --date-order",
		 "date 'today' is not a date",
		 "date '05.03.26' is ambiguous: use --date-order", ""},
		{"2026-03-05", "2026-03-05", "2026-03-05", "2026-03-05",
		 "date '13/5/2026' is not a date in mdy order",
		 "date 'today' is not a date", "2026-05-03", ""},
		{"2026-03-05", "2026-05-03", "2026-03-05", "2026-03-05",
		 "2026-05-13", "date 'today' is not a date", "2026-03-05", ""},
		{"2026-03-05", "date '3/5/2026' is not in ymd order",
		 "2026-03-05", "2026-03-05",
		 "date '13/5/2026' is not in ymd order",
		 "date 'today' is not a date",
		 "date '05.03.26' is not in ymd order", ""},
	};
	static const char *const orders[] = {NULL, "mdy", "dmy", "ymd"};
	struct import_opts o = {0};
	struct got g;
	char name[64];

	for (int k = 0; k < 4; k++) {
		o.date_order = orders[k];
		load(&g, FIX "dates.csv", "opportunities", &o);
		for (size_t r = 0; r < 8; r++) {
			const char *got = why(&g, r) ? why(&g, r)
						     : val(&g, r, "close");

			snprintf(name, sizeof name, "dates %s: close, row %zu",
				 orders[k] ? orders[k] : "(none)", r + 2);
			is_str(got, want[k][r], name);
		}
		is_str(val(&g, 0, "created"), "2026-03-05",
		       "dates: 2026/3/5 14:30");
		is_str(val(&g, 1, "created"), "2026-03-05",
		       "dates: 2026-03-05 14:30:00");
		is_str(val(&g, 2, "close"), "2026-03-05",
		       "dates: Excel serial 46086");
		is_str(val(&g, 2, "created"), "2026-03-05",
		       "dates: 2026年3月5日");
		is_str(val(&g, 3, "close"), "2026-03-05", "dates: 5-Mar-2026");
		is_str(val(&g, 3, "created"), "2026-03-05",
		       "dates: Mar 5, 2026");
		is_str(val(&g, 4, "created"), "2026-03-05",
		       "dates: ISO timestamp with zone");
		is_str(val(&g, 6, "created"), "2026-03-05",
		       "dates: 2026-03-05 2:30 PM");
		got_free(&g);
	}
}

/* Skipped rows: report totals, repeated headers, footers anywhere. */
static void test_skipped(void)
{
	static const char text[] =
		"Name,Company,Amount\n"
		"Ann,Acme,100\n"
		"Total,,\"1,100\"\n"
		"Name,Company,Amount\n"
		"Bob,Bolt,1000\n"
		"Grand Totals (2 records),,1100\n"
		",,\n"
		"\"\"\n"
		"Total Energies,Total,5\n"
		"总计,,1100万\n";
	char *path = write_tmp("totals.csv", text, sizeof text - 1);
	struct got g;

	is_int(load(&g, path, "leads", NULL), 0, "skipped: imports");
	is_int(g.n, 3, "skipped: 3 rows");
	is_int(g.skipped, 6, "skipped: totals, header again, empty rows");
	is_str(val(&g, 2, "name"), "Total Energies",
	       "skipped: a name that starts with Total is data");
	is_int(g.line[2], 9, "skipped: its line");
	got_free(&g);
	free(path);
}

/* A GB18030 file larger than the decoder's chunks, and a UTF-8 one
 * larger than the validator's: characters cut at chunk ends. */
static void test_big_files(void)
{
	enum { ROWS = 30000 };
	struct buf gb = {0}, u8 = {0};
	char *gb_path, *u8_path;
	struct got g;
	int i;

	buf_adds(&gb, "\xbf\xcd\xbb\xa7,\xd0\xd5\xc3\xfb,email\r\n");
	buf_adds(&u8, "客户,姓名,email\n");
	for (i = 1; i <= ROWS; i++) {
		buf_printf(&gb, "\xc9\xcf\xba\xa3%d,\xd5\xc5\xce\xb0,"
			   "u%d@x.example\r\n", i, i);
		buf_printf(&u8, "上海%d,张伟,u%d@x.example\n", i, i);
	}
	gb_path = write_tmp("big-gb.csv", gb.s, gb.len);
	u8_path = write_tmp("big-u8.csv", u8.s, u8.len);
	ok(gb.len > 8 * 64 * 1024, "big: larger than many chunks");

	is_int(load(&g, gb_path, "leads", NULL), 0, "big gb18030: imports");
	is_str(g.enc, "GB18030", "big gb18030: sniffed");
	is_str(g.mapping, "客户>company|姓名>name|email>email",
	       "big gb18030: mapping");
	is_int(g.total, ROWS, "big gb18030: every row");
	is_str(val(&g, 15, "company"), "上海16", "big gb18030: a value");
	is_str(val(&g, 15, "name"), "张伟", "big gb18030: another");
	got_free(&g);

	is_int(load(&g, u8_path, "leads", NULL), 0, "big utf-8: imports");
	is_str(g.enc, "UTF-8", "big utf-8: sniffed");
	is_int(g.total, ROWS, "big utf-8: every row");
	got_free(&g);
	buf_free(&gb);
	buf_free(&u8);
	free(gb_path);
	free(u8_path);
}

static int stop_at_third(void *ctx, const struct import_row *row,
			 struct crm_err *err)
{
	int *n = ctx;

	if (++*n == 3)
		return crm_errf(err, "x.csv", row->line, "stopped");
	return 0;
}

static void test_run_twice_and_stop(void)
{
	struct import_opts o = {0};
	struct crm_err err = {0};
	struct import *im;
	size_t skipped = 99;
	int n = 0;

	o.def = table_def_find("leads");
	im = import_open(FIX "ragged.csv", &o, &err);
	ok(im != NULL, "open");
	is_int(import_run(im, stop_at_third, &n, &skipped, &err), -1,
	       "a callback's -1 stops the run");
	is_str(err.msg, "stopped", "with the callback's error");
	is_int(err.line, 4, "its line");
	n = 10;
	is_int(import_run(im, stop_at_third, &n, &skipped, &err), 0,
	       "a second run reads the file again");
	is_int(n, 15, "every row again");
	is_int(skipped, 1, "skipped again");
	import_close(im);
	import_close(NULL);
}

static void test_stdin(void)
{
	struct got g;

	if (!freopen(FIX "tab.tsv", "r", stdin)) {
		ok(0, "stdin: reopen");
		return;
	}
	is_int(load(&g, "-", "leads", NULL), 0, "stdin: imports");
	is_int(g.delim, '\t', "stdin: sniffed");
	is_int(g.n, 3, "stdin: rows");
	is_str(val(&g, 1, "name"), "Mei, Ling", "stdin: values");
	got_free(&g);
}

static void test_other_tables(void)
{
	struct got g;

	load(&g, FIX "hubspot-contacts.csv", "customers", NULL);
	is_str(g.mapping, "Record ID>source_id|First Name + Last Name>contact|"
	       "Email>email|Phone Number>phone|Company Name>name|"
	       "Job Title>title|Lead Status>Lead Status|Contact owner>owner|"
	       "Create Date>created|Lifecycle Stage>Lifecycle Stage|"
	       "Website URL>website", "customers: company is the name");
	is_str(why(&g, 2), NULL, "customers: no status check");
	got_free(&g);

	load(&g, FIX "hubspot-contacts.csv", "contacts", NULL);
	is_str(g.mapping, "Record ID>source_id|First Name + Last Name>name|"
	       "Email>email|Phone Number>phone|Company Name>customer|"
	       "Job Title>title|Lead Status>Lead Status|Contact owner>owner|"
	       "Create Date>created|Lifecycle Stage>Lifecycle Stage|"
	       "Website URL>website", "contacts: company is the customer");
	is_str(val(&g, 0, "customer"), "Hangzhou Cloud", "contacts: customer");
	got_free(&g);
}

/* ---- dedupe keys ------------------------------------------------------ */

static void test_norm_phone(void)
{
	static const char *const cases[][2] = {
		{"+86 138 0013 8000", "13800138000"},
		{"0086-138-0013-8000", "13800138000"},
		{"8613800138000", "13800138000"},
		{"(+86)13800138000", "13800138000"},
		{"138 0013 8000转123", "13800138000"},
		{"13800138000分机8", "13800138000"},
		{"13800138000; 13900139000", "13800138000"},
		{"13800138000 / 13900139000", "13800138000"},
		{"13800138000、13900139000", "13800138000"},
		{"＋８６ １３８ ００１３ ８０００", "13800138000"},
		{"'13800138000", "13800138000"},
		{"tel:+86-138-0013-8000", "13800138000"},
		{"+86 21 6555 1234", "02165551234"},
		{"021-6555-1234", "02165551234"},
		{"+86 (0)21 6555 1234", "02165551234"},
		{"86 21 6555 1234", "862165551234"},
		{"+1 (415) 555-0100 ext. 12", "4155550100"},
		{"415.555.0100 x12", "4155550100"},
		{"001 415 555 0100", "4155550100"},
		{"(415) 555-0100 #3", "4155550100"},
		{"+44 20 7946 0958", "02079460958"},
		{"+44 (0)20 7946 0958", "02079460958"},
		{"020 7946 0958", "02079460958"},
		{"+852 2345 6789", "23456789"},
		{"+49 (0)89 123456", "089123456"},
		{"+39 06 1234 5678", "390612345678"},
		{"  ", ""},
		{"n/a", ""},
		{"", ""},
	};
	char out[64], name[128];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		import_norm_phone(cases[i][0], out, sizeof out);
		snprintf(name, sizeof name, "phone key of '%s'", cases[i][0]);
		is_str(out, cases[i][1], name);
	}
	import_norm_phone(NULL, out, sizeof out);
	is_str(out, "", "phone key of NULL");
	import_norm_phone("+86 138 0013 8000", out, 8);
	is_str(out, "1380013", "phone key cut to the buffer");
}

static void test_norm_email(void)
{
	static const char *const cases[][2] = {
		{"  Wei.Zhang@Galaxy.Example ", "wei.zhang@galaxy.example"},
		{"MAILTO:A@B.C", "a@b.c"},
		{"\xe3\x80\x80" "a@b.c\xc2\xa0", "a@b.c"},
		{"张伟@例子.公司", "张伟@例子.公司"},
		{"", ""},
	};
	char out[64], name[128];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		import_norm_email(cases[i][0], out, sizeof out);
		snprintf(name, sizeof name, "e-mail key of '%s'", cases[i][0]);
		is_str(out, cases[i][1], name);
	}
	import_norm_email(NULL, out, sizeof out);
	is_str(out, "", "e-mail key of NULL");
	import_norm_email("张伟@x.example", out, 5);
	is_str(out, "张", "e-mail key cut on a character boundary");
}

/* ---- stages ------------------------------------------------------------- */

static const struct pipeline *load_pipeline(const char *text,
					    struct pipelines *ps,
					    struct conf **c)
{
	struct crm_err err = {0};

	*c = conf_parse(text, strlen(text), "crm.conf", &err);
	if (!*c || pipelines_load(*c, ps, &err) < 0) {
		printf("# %s\n", err.msg);
		return NULL;
	}
	return pipeline_find(ps, NULL);
}

static void test_stages(void)
{
	const char *maps[] = {"Value Proposition=proposal", "Won=negotiation",
			      "Foo=bar"};
	struct pipelines ps;
	struct conf *c;
	const struct pipeline *d = load_pipeline(conf_default_text, &ps, &c);

	is_str(import_stage(d, "Closed Won", NULL, 0), "won", "Closed Won");
	is_str(import_stage(d, "  closed won ", NULL, 0), "won",
	       "closed won, spaces and case");
	is_str(import_stage(d, "Closed Lost", NULL, 0), "lost", "Closed Lost");
	is_str(import_stage(d, "QUALIFIED", NULL, 0), "qualified",
	       "own name, any case");
	is_str(import_stage(d, "Prospecting", NULL, 0), "lead", "Prospecting");
	is_str(import_stage(d, "Qualification", NULL, 0), "qualified",
	       "Qualification");
	is_str(import_stage(d, "Proposal/Price Quote", NULL, 0), "proposal",
	       "Proposal/Price Quote");
	is_str(import_stage(d, "Negotiation/Review", NULL, 0), "negotiation",
	       "Negotiation/Review");
	is_str(import_stage(d, "赢单", NULL, 0), "won", "赢单");
	is_str(import_stage(d, "成交", NULL, 0), "won", "成交");
	is_str(import_stage(d, "输单", NULL, 0), "lost", "输单");
	is_str(import_stage(d, "丢单", NULL, 0), "lost", "丢单");
	is_str(import_stage(d, "初步接洽", NULL, 0), "lead", "初步接洽");
	is_str(import_stage(d, "需求确认", NULL, 0), "qualified", "需求确认");
	is_str(import_stage(d, "方案报价", NULL, 0), "proposal", "方案报价");
	is_str(import_stage(d, "商务谈判", NULL, 0), "negotiation", "商务谈判");
	is_str(import_stage(d, "Value Proposition", NULL, 0), NULL,
	       "unknown stage: NULL");
	is_str(import_stage(d, "Value Proposition", maps, 3), "proposal",
	       "--map-stage");
	is_str(import_stage(d, "won", maps, 3), "negotiation",
	       "--map-stage before the stage's own name");
	is_str(import_stage(d, "Foo", maps, 3), NULL,
	       "--map-stage to no stage: NULL");
	is_str(import_stage(d, "", NULL, 0), NULL, "empty: NULL");
	is_str(import_stage(d, NULL, NULL, 0), NULL, "NULL: NULL");
	pipelines_free(&ps);
	conf_free(c);
}

static void test_stages_other_pipelines(void)
{
	static const char chinese[] =
		"[stage \"初步接洽\"]\norder = 1\n"
		"[stage \"需求确认\"]\norder = 2\n"
		"[stage \"报价\"]\norder = 3\n"
		"[stage \"谈判\"]\norder = 4\n"
		"[stage \"赢单\"]\norder = 5\nwon = true\n"
		"[stage \"输单\"]\norder = 6\nlost = true\n";
	static const char small[] =
		"[stage \"new\"]\norder = 1\n"
		"[stage \"closing\"]\norder = 2\n"
		"[stage \"signed\"]\norder = 3\nwon = true\n"
		"[stage \"gone\"]\norder = 4\nlost = true\n";
	struct pipelines cps, sps;
	struct conf *cc, *sc;
	const struct pipeline *cn = load_pipeline(chinese, &cps, &cc);
	const struct pipeline *sm = load_pipeline(small, &sps, &sc);

	is_str(import_stage(cn, "Closed Won", NULL, 0), "赢单",
	       "chinese pipeline: Closed Won");
	is_str(import_stage(cn, "Closed Lost", NULL, 0), "输单",
	       "chinese pipeline: Closed Lost");
	is_str(import_stage(cn, "Prospecting", NULL, 0), "初步接洽",
	       "chinese pipeline: Prospecting");
	is_str(import_stage(cn, "Qualification", NULL, 0), "需求确认",
	       "chinese pipeline: Qualification");
	is_str(import_stage(cn, "Proposal/Price Quote", NULL, 0), "报价",
	       "chinese pipeline: Proposal/Price Quote");
	is_str(import_stage(cn, "方案报价", NULL, 0), "报价",
	       "chinese pipeline: 方案报价");
	is_str(import_stage(cn, "Negotiation/Review", NULL, 0), "谈判",
	       "chinese pipeline: Negotiation/Review");
	is_str(import_stage(sm, "Closed Won", NULL, 0), "signed",
	       "small pipeline: won stage by its flag");
	is_str(import_stage(sm, "Qualification", NULL, 0), NULL,
	       "small pipeline: no qualified stage, no guess");
	is_str(import_stage(sm, "Closing", NULL, 0), "closing",
	       "small pipeline: own name");
	pipelines_free(&cps);
	pipelines_free(&sps);
	conf_free(cc);
	conf_free(sc);
}

int main(void)
{
	char *cmd;

	if (!mkdtemp(dir))
		return 1;
	test_salesforce();
	test_hubspot();
	test_pipedrive();
	test_zoho();
	test_chinese_gb18030();
	test_chinese_opportunities();
	test_bom_semicolon();
	test_embedded_newlines();
	test_tab();
	test_unicode_text();
	test_ragged();
	test_fatal_parse();
	test_fatal_encoding();
	test_open_errors();
	test_map_errors();
	test_dup_headers();
	test_dates();
	test_skipped();
	test_big_files();
	test_run_twice_and_stop();
	test_other_tables();
	test_norm_phone();
	test_norm_email();
	test_stages();
	test_stages_other_pipelines();
	test_stdin();
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
	return done();
}
