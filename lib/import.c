/* import.c - other systems' exports into crm's tables
 *
 * Teams arrive with spreadsheets saved by Excel, Salesforce, HubSpot,
 * Zoho, Pipedrive and Chinese CRMs.  The importer takes them as they are.
 *
 * - Encoding.  A UTF-8 BOM means UTF-8 and a UTF-16 BOM UTF-16 (Excel's
 *   "Unicode Text").  Otherwise a first streaming pass checks the whole
 *   file: UTF-8 when it validates, else GB18030 (Excel on Chinese Windows
 *   writes GBK, of which GB18030 is a superset).  Except: when the high
 *   bytes look like a European single-byte code page (a high byte before
 *   an ASCII letter, as in "Müller" in Windows-1252), GB18030 would turn
 *   them into Chinese without a word, so that is an error asking for
 *   --encoding, never a silent guess.  Whatever is not UTF-8 is decoded
 *   by iconv(3) in chunks into a tmpfile(), which csv_read() then
 *   streams: memory stays bounded and line numbers stay those of the
 *   source (line feeds survive decoding one for one).
 * - Delimiter.  Of , ; and TAB, the one that splits the most of the
 *   first records into the same number of fields (counted outside
 *   quotes) wins; ties go to the one that makes more fields.
 * - Rows.  csv.c reads them (strict quoting, line numbers), ragged rows
 *   allowed so that a wrong field count is a reject, not the end.  Rows of
 *   nothing but empty fields, report footers (Salesforce's "Generated
 *   By:", copyright and confidentiality lines and the one-field lines
 *   after them), total rows (合计, 总计, "Grand Totals (9 records)"), a
 *   repeated header, and title lines above the header are skipped and
 *   counted.  Empty lines are no records at all (as in csv.c) and are not
 *   counted.  Extra fields at a row's end are fine when they are empty.
 * - Header.  Each source column is mapped to a field: a --map first, then
 *   a fixed column of the table by its own name, then a synonym (English
 *   exports, Chinese CRMs, a little German and French), compared after
 *   folding case, full-width forms, spaces and punctuation.  First Name
 *   and Last Name are joined into one name.  A column nothing maps, or
 *   whose field an earlier column took, becomes a custom field under its
 *   own header: nothing is ever dropped.
 * - Values are put in stored form by the field's type; a value that
 *   can't be is the row's reject reason, as is a row with no identity.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CHUNK (64 * 1024)
#define OUT_CHUNK (4 * CHUNK)
#define SNIFF_BYTES (64 * 1024)
#define SNIFF_RECORDS 100
#define PREAMBLE_MAX 10
#define KEY_MAX 160
#define QUOTE_MAX 80
#define DIGITS_MAX 64
#define UNKNOWN ((size_t)-1)

/* ---- what a column means ----------------------------------------------- */

enum role {
	R_NONE, R_NAME, R_PERSON, R_FIRST, R_LAST, R_COMPANY, R_DEAL,
	R_EMAIL, R_PHONE, R_TITLE, R_SOURCE, R_STATUS, R_OWNER, R_STAGE,
	R_AMOUNT, R_CURRENCY, R_PROBABILITY, R_CLOSE, R_CLOSED, R_CREATED,
	R_NOTES, R_WEBSITE, R_CITY, R_COUNTRY, R_INDUSTRY, R_ADDRESS,
	R_SOURCE_ID, R_NEXT_DATE, R_NEXT_ACTION, R_LAST_CONTACT, R_REASON,
	R_PIPELINE, R_SCORE, R_TIER, R_TAGS, R_WECHAT, R_NROLES
};

/*
 * The field of a role (name, person, company and deal depend on the
 * table: see role_field).  "always": a table without that column still
 * gets it, as a custom field under this one name, so that an e-mail or a
 * note is called the same whichever export it came from.
 */
static const struct {
	const char *field;
	int always;
} roles[R_NROLES] = {
	[R_EMAIL] = {"email", 1}, [R_PHONE] = {"phone", 1},
	[R_TITLE] = {"title", 1}, [R_SOURCE] = {"source", 1},
	[R_STATUS] = {"status", 0}, [R_OWNER] = {"owner", 1},
	[R_STAGE] = {"stage", 0}, [R_AMOUNT] = {"amount", 0},
	[R_CURRENCY] = {"currency", 0}, [R_PROBABILITY] = {"probability", 0},
	[R_CLOSE] = {"close", 0}, [R_CLOSED] = {"closed", 0},
	[R_CREATED] = {"created", 0}, [R_NOTES] = {"notes", 1},
	[R_WEBSITE] = {"website", 1}, [R_CITY] = {"city", 1},
	[R_COUNTRY] = {"country", 1}, [R_INDUSTRY] = {"industry", 1},
	[R_ADDRESS] = {"address", 1}, [R_SOURCE_ID] = {"source_id", 1},
	[R_NEXT_DATE] = {"next_date", 0}, [R_NEXT_ACTION] = {"next_action", 0},
	[R_LAST_CONTACT] = {"last_contact", 0}, [R_REASON] = {"reason", 0},
	[R_PIPELINE] = {"pipeline", 0}, [R_SCORE] = {"score", 0},
	[R_TIER] = {"tier", 0}, [R_TAGS] = {"tags", 0},
	[R_WECHAT] = {"wechat", 1},
};

/* Headers as exports write them; compared after norm_key(). */
static const struct {
	const char *header;
	enum role role;
} synonyms[] = {
	{"Name", R_NAME}, {"名称", R_NAME}, {"线索名称", R_NAME},
	{"Full Name", R_PERSON}, {"Lead Name", R_PERSON},
	{"Contact", R_PERSON}, {"Contact Name", R_PERSON},
	{"Contact Person", R_PERSON}, {"Deal - Contact person", R_PERSON},
	{"Person - Name", R_PERSON}, {"Primary Contact", R_PERSON},
	{"Associated Contact", R_PERSON}, {"联系人", R_PERSON},
	{"联系人姓名", R_PERSON}, {"姓名", R_PERSON}, {"客户联系人", R_PERSON},
	{"First Name", R_FIRST}, {"Given Name", R_FIRST}, {"名", R_FIRST},
	{"Vorname", R_FIRST}, {"Prénom", R_FIRST},
	{"Last Name", R_LAST}, {"Surname", R_LAST}, {"Family Name", R_LAST},
	{"姓", R_LAST}, {"Nachname", R_LAST}, {"Nom", R_LAST},
	{"Company", R_COMPANY}, {"Company Name", R_COMPANY},
	{"Company / Account", R_COMPANY}, {"Account", R_COMPANY},
	{"Account Name", R_COMPANY}, {"Organization", R_COMPANY},
	{"Organisation", R_COMPANY}, {"Organization Name", R_COMPANY},
	{"Deal - Organization", R_COMPANY},
	{"Organization - Name", R_COMPANY},
	{"Associated Company", R_COMPANY}, {"Customer", R_COMPANY},
	{"Customer Name", R_COMPANY}, {"客户", R_COMPANY},
	{"客户名称", R_COMPANY}, {"公司", R_COMPANY}, {"公司名称", R_COMPANY},
	{"单位", R_COMPANY}, {"单位名称", R_COMPANY}, {"企业名称", R_COMPANY},
	{"所属客户", R_COMPANY}, {"客户公司", R_COMPANY}, {"Firma", R_COMPANY},
	{"Unternehmen", R_COMPANY}, {"Société", R_COMPANY},
	{"Entreprise", R_COMPANY},
	{"Deal Name", R_DEAL}, {"Deal - Title", R_DEAL}, {"Deal Title", R_DEAL},
	{"Deal", R_DEAL}, {"Opportunity", R_DEAL},
	{"Opportunity Name", R_DEAL}, {"商机名称", R_DEAL}, {"商机", R_DEAL},
	{"机会名称", R_DEAL}, {"销售机会", R_DEAL}, {"项目名称", R_DEAL},
	{"Email", R_EMAIL}, {"E-mail", R_EMAIL}, {"Email Address", R_EMAIL},
	{"E-mail Address", R_EMAIL}, {"Work Email", R_EMAIL},
	{"Primary Email", R_EMAIL}, {"Person - Email", R_EMAIL},
	{"Contact Email", R_EMAIL}, {"Mail", R_EMAIL}, {"邮箱", R_EMAIL},
	{"电子邮件", R_EMAIL}, {"电子邮箱", R_EMAIL}, {"邮件", R_EMAIL},
	{"邮箱地址", R_EMAIL}, {"Courriel", R_EMAIL},
	{"Phone", R_PHONE}, {"Phone Number", R_PHONE}, {"Telephone", R_PHONE},
	{"Tel", R_PHONE}, {"Work Phone", R_PHONE}, {"Business Phone", R_PHONE},
	{"Office Phone", R_PHONE}, {"Person - Phone", R_PHONE},
	{"Contact Phone", R_PHONE}, {"Mobile", R_PHONE},
	{"Mobile Phone", R_PHONE}, {"Mobile Number", R_PHONE},
	{"Cell", R_PHONE}, {"Cell Phone", R_PHONE}, {"电话", R_PHONE},
	{"座机", R_PHONE}, {"联系电话", R_PHONE}, {"办公电话", R_PHONE},
	{"固定电话", R_PHONE}, {"电话号码", R_PHONE}, {"手机", R_PHONE},
	{"手机号", R_PHONE}, {"手机号码", R_PHONE}, {"移动电话", R_PHONE},
	{"Telefon", R_PHONE}, {"Mobil", R_PHONE}, {"Téléphone", R_PHONE},
	{"Title", R_TITLE}, {"Job Title", R_TITLE}, {"Position", R_TITLE},
	{"Designation", R_TITLE}, {"Person - Job title", R_TITLE},
	{"职位", R_TITLE}, {"职务", R_TITLE}, {"头衔", R_TITLE},
	{"Source", R_SOURCE}, {"Lead Source", R_SOURCE},
	{"Original Source", R_SOURCE}, {"Deal Source", R_SOURCE},
	{"Channel", R_SOURCE}, {"线索来源", R_SOURCE}, {"来源", R_SOURCE},
	{"客户来源", R_SOURCE}, {"渠道", R_SOURCE}, {"来源渠道", R_SOURCE},
	{"Quelle", R_SOURCE},
	{"Status", R_STATUS}, {"Lead Status", R_STATUS}, {"状态", R_STATUS},
	{"线索状态", R_STATUS}, {"跟进状态", R_STATUS},
	{"Owner", R_OWNER}, {"Lead Owner", R_OWNER}, {"Deal Owner", R_OWNER},
	{"Deal - Owner", R_OWNER}, {"Account Owner", R_OWNER},
	{"Contact Owner", R_OWNER}, {"Opportunity Owner", R_OWNER},
	{"HubSpot Owner", R_OWNER}, {"Assigned To", R_OWNER},
	{"Sales Rep", R_OWNER}, {"负责人", R_OWNER}, {"所有者", R_OWNER},
	{"销售负责人", R_OWNER}, {"跟进人", R_OWNER}, {"归属人", R_OWNER},
	{"业务员", R_OWNER}, {"客户经理", R_OWNER},
	{"Stage", R_STAGE}, {"Deal Stage", R_STAGE}, {"Deal - Stage", R_STAGE},
	{"Opportunity Stage", R_STAGE}, {"Sales Stage", R_STAGE},
	{"商机阶段", R_STAGE}, {"阶段", R_STAGE}, {"销售阶段", R_STAGE},
	{"Amount", R_AMOUNT}, {"Deal - Value", R_AMOUNT}, {"Value", R_AMOUNT},
	{"Deal Value", R_AMOUNT}, {"Deal Amount", R_AMOUNT},
	{"Opportunity Amount", R_AMOUNT}, {"Expected Revenue", R_AMOUNT},
	{"预计成交金额", R_AMOUNT}, {"金额", R_AMOUNT}, {"商机金额", R_AMOUNT},
	{"预计金额", R_AMOUNT}, {"成交金额", R_AMOUNT}, {"销售金额", R_AMOUNT},
	{"Betrag", R_AMOUNT}, {"Montant", R_AMOUNT},
	{"Currency", R_CURRENCY}, {"Deal - Currency", R_CURRENCY},
	{"Opportunity Currency", R_CURRENCY}, {"币种", R_CURRENCY},
	{"货币", R_CURRENCY},
	{"Probability", R_PROBABILITY}, {"Probability (%)", R_PROBABILITY},
	{"Deal - Probability", R_PROBABILITY},
	{"Win Probability", R_PROBABILITY}, {"赢率", R_PROBABILITY},
	{"成交概率", R_PROBABILITY}, {"赢单率", R_PROBABILITY},
	{"赢单概率", R_PROBABILITY}, {"可能性", R_PROBABILITY},
	{"Close Date", R_CLOSE}, {"Expected Close Date", R_CLOSE},
	{"Deal - Expected close date", R_CLOSE}, {"Closing Date", R_CLOSE},
	{"Estimated Close Date", R_CLOSE}, {"预计成交日期", R_CLOSE},
	{"预计签单日期", R_CLOSE}, {"预计成交时间", R_CLOSE},
	{"预计结单日期", R_CLOSE},
	{"Closed Date", R_CLOSED}, {"Actual Close Date", R_CLOSED},
	{"Deal - Deal closed on", R_CLOSED}, {"实际成交日期", R_CLOSED},
	{"成交日期", R_CLOSED}, {"结单日期", R_CLOSED},
	{"Created", R_CREATED}, {"Created Date", R_CREATED},
	{"Create Date", R_CREATED}, {"Created On", R_CREATED},
	{"Created Time", R_CREATED}, {"Created At", R_CREATED},
	{"Creation Date", R_CREATED}, {"Date Created", R_CREATED},
	{"Deal - Deal created", R_CREATED}, {"Deal - Add time", R_CREATED},
	{"创建时间", R_CREATED}, {"创建日期", R_CREATED},
	{"录入时间", R_CREATED}, {"添加时间", R_CREATED},
	{"Erstellt am", R_CREATED},
	{"Description", R_NOTES}, {"Notes", R_NOTES}, {"Note", R_NOTES},
	{"Comments", R_NOTES}, {"Comment", R_NOTES}, {"Remarks", R_NOTES},
	{"备注", R_NOTES}, {"描述", R_NOTES}, {"说明", R_NOTES},
	{"备注信息", R_NOTES}, {"Notizen", R_NOTES}, {"Bemerkung", R_NOTES},
	{"Website", R_WEBSITE}, {"Website URL", R_WEBSITE},
	{"Web Site", R_WEBSITE}, {"Web", R_WEBSITE}, {"URL", R_WEBSITE},
	{"Company Website", R_WEBSITE}, {"网址", R_WEBSITE},
	{"网站", R_WEBSITE}, {"公司网址", R_WEBSITE}, {"官网", R_WEBSITE},
	{"City", R_CITY}, {"城市", R_CITY}, {"所在城市", R_CITY},
	{"Ort", R_CITY}, {"Stadt", R_CITY}, {"Ville", R_CITY},
	{"Country", R_COUNTRY}, {"Country/Region", R_COUNTRY},
	{"国家", R_COUNTRY}, {"国家/地区", R_COUNTRY}, {"Land", R_COUNTRY},
	{"Pays", R_COUNTRY},
	{"Industry", R_INDUSTRY}, {"行业", R_INDUSTRY},
	{"所属行业", R_INDUSTRY}, {"Branche", R_INDUSTRY},
	{"Address", R_ADDRESS}, {"Street", R_ADDRESS},
	{"Street Address", R_ADDRESS}, {"地址", R_ADDRESS},
	{"详细地址", R_ADDRESS}, {"公司地址", R_ADDRESS},
	{"Adresse", R_ADDRESS},
	{"Id", R_SOURCE_ID}, {"Record ID", R_SOURCE_ID},
	{"Lead ID", R_SOURCE_ID}, {"Contact ID", R_SOURCE_ID},
	{"Account ID", R_SOURCE_ID}, {"Deal ID", R_SOURCE_ID},
	{"Deal - ID", R_SOURCE_ID}, {"Opportunity ID", R_SOURCE_ID},
	{"编号", R_SOURCE_ID}, {"线索编号", R_SOURCE_ID},
	{"客户编号", R_SOURCE_ID}, {"商机编号", R_SOURCE_ID},
	{"记录ID", R_SOURCE_ID},
	{"Next Activity Date", R_NEXT_DATE},
	{"Deal - Next activity date", R_NEXT_DATE},
	{"Next Follow-up Date", R_NEXT_DATE}, {"Next Step Date", R_NEXT_DATE},
	{"下次跟进时间", R_NEXT_DATE}, {"下次跟进日期", R_NEXT_DATE},
	{"下次联系时间", R_NEXT_DATE},
	{"Next Step", R_NEXT_ACTION}, {"Next Action", R_NEXT_ACTION},
	{"下一步", R_NEXT_ACTION}, {"下一步计划", R_NEXT_ACTION},
	{"Last Activity Date", R_LAST_CONTACT},
	{"Last Activity", R_LAST_CONTACT}, {"Last Contacted", R_LAST_CONTACT},
	{"Last Contact Date", R_LAST_CONTACT},
	{"Deal - Last activity date", R_LAST_CONTACT},
	{"最后跟进时间", R_LAST_CONTACT}, {"最近跟进时间", R_LAST_CONTACT},
	{"上次跟进时间", R_LAST_CONTACT}, {"最后联系时间", R_LAST_CONTACT},
	{"Loss Reason", R_REASON}, {"Lost Reason", R_REASON},
	{"Deal - Lost reason", R_REASON}, {"Reason", R_REASON},
	{"输单原因", R_REASON}, {"丢单原因", R_REASON}, {"原因", R_REASON},
	{"Pipeline", R_PIPELINE}, {"Deal - Pipeline", R_PIPELINE},
	{"销售流程", R_PIPELINE},
	{"Score", R_SCORE}, {"Lead Score", R_SCORE}, {"HubSpot Score", R_SCORE},
	{"评分", R_SCORE}, {"线索评分", R_SCORE},
	{"Tier", R_TIER}, {"Rating", R_TIER}, {"Customer Level", R_TIER},
	{"客户等级", R_TIER}, {"客户级别", R_TIER}, {"等级", R_TIER},
	{"Tags", R_TAGS}, {"Tag", R_TAGS}, {"Labels", R_TAGS}, {"标签", R_TAGS},
	{"WeChat", R_WECHAT}, {"WeChat ID", R_WECHAT}, {"微信", R_WECHAT},
	{"微信号", R_WECHAT},
};

/* Units a money header may end with: "金额(万元)" holds amounts in 万. */
static const struct {
	const char *suffix;
	int wan;
} amount_units[] = {
	{"万元", 1}, {"万", 1}, {"元", 0}, {"rmb", 0}, {"cny", 0}, {"usd", 0},
	{"eur", 0},
};

/* Enum values as other systems call them ("field" is the column). */
static const struct {
	const char *field, *from, *to;
} enum_synonyms[] = {
	{"status", "Open", "new"}, {"status", "Open - Not Contacted", "new"},
	{"status", "Not Contacted", "new"}, {"status", "新建", "new"},
	{"status", "新线索", "new"}, {"status", "未跟进", "new"},
	{"status", "待跟进", "new"}, {"status", "未联系", "new"},
	{"status", "Working - Contacted", "working"},
	{"status", "Contacted", "working"},
	{"status", "In Progress", "working"},
	{"status", "Attempted to Contact", "working"},
	{"status", "Connected", "working"},
	{"status", "Contact in Future", "working"},
	{"status", "跟进中", "working"}, {"status", "已联系", "working"},
	{"status", "联系中", "working"},
	{"status", "Pre-Qualified", "qualified"},
	{"status", "Open Deal", "qualified"}, {"status", "已确认", "qualified"},
	{"status", "有效", "qualified"},
	{"status", "Closed - Converted", "converted"},
	{"status", "已转化", "converted"}, {"status", "已转换", "converted"},
	{"status", "已转客户", "converted"},
	{"status", "Unqualified", "dropped"},
	{"status", "Disqualified", "dropped"},
	{"status", "Not Qualified", "dropped"},
	{"status", "Closed - Not Converted", "dropped"},
	{"status", "Junk", "dropped"}, {"status", "Junk Lead", "dropped"},
	{"status", "Lost Lead", "dropped"}, {"status", "无效", "dropped"},
	{"status", "已放弃", "dropped"},
	{"kind", "Organization", "company"},
	{"kind", "Organisation", "company"},
	{"kind", "Business", "company"}, {"kind", "企业", "company"},
	{"kind", "公司", "company"}, {"kind", "单位", "company"},
	{"kind", "Individual", "person"}, {"kind", "Personal", "person"},
	{"kind", "个人", "person"},
	{"primary", "Y", "yes"}, {"primary", "True", "yes"},
	{"primary", "1", "yes"}, {"primary", "是", "yes"},
	{"primary", "N", "no"}, {"primary", "False", "no"},
	{"primary", "0", "no"}, {"primary", "否", "no"},
};

/* Stages as other systems name them, by what they mean here. */
enum stage_role { S_FIRST, S_QUALIFIED, S_PROPOSAL, S_NEGOTIATION, S_WON,
		  S_LOST };

static const char *const stage_role_names[] = {
	[S_FIRST] = "lead", [S_QUALIFIED] = "qualified",
	[S_PROPOSAL] = "proposal", [S_NEGOTIATION] = "negotiation",
	[S_WON] = "won", [S_LOST] = "lost",
};

static const struct {
	const char *name;
	enum stage_role role;
} stage_synonyms[] = {
	{"Prospecting", S_FIRST}, {"Lead", S_FIRST}, {"Lead In", S_FIRST},
	{"New", S_FIRST}, {"Appointment Scheduled", S_FIRST},
	{"Contact Made", S_FIRST}, {"Initial Contact", S_FIRST},
	{"初步接洽", S_FIRST}, {"初步沟通", S_FIRST}, {"线索", S_FIRST},
	{"Qualification", S_QUALIFIED}, {"Qualified", S_QUALIFIED},
	{"Qualified To Buy", S_QUALIFIED}, {"Needs Analysis", S_QUALIFIED},
	{"Needs Defined", S_QUALIFIED}, {"需求确认", S_QUALIFIED},
	{"需求分析", S_QUALIFIED},
	{"Proposal", S_PROPOSAL}, {"Proposal/Price Quote", S_PROPOSAL},
	{"Price Quote", S_PROPOSAL}, {"Quote", S_PROPOSAL},
	{"Proposal Made", S_PROPOSAL}, {"方案报价", S_PROPOSAL},
	{"报价", S_PROPOSAL}, {"方案", S_PROPOSAL},
	{"Negotiation", S_NEGOTIATION}, {"Negotiation/Review", S_NEGOTIATION},
	{"Review", S_NEGOTIATION}, {"Negotiations Started", S_NEGOTIATION},
	{"Contract Sent", S_NEGOTIATION}, {"商务谈判", S_NEGOTIATION},
	{"谈判", S_NEGOTIATION}, {"合同谈判", S_NEGOTIATION},
	{"Closed Won", S_WON}, {"Won", S_WON}, {"赢单", S_WON},
	{"成交", S_WON}, {"已成交", S_WON}, {"签约", S_WON}, {"已签约", S_WON},
	{"Closed Lost", S_LOST}, {"Lost", S_LOST},
	{"Closed Lost to Competition", S_LOST}, {"输单", S_LOST},
	{"丢单", S_LOST}, {"已输单", S_LOST}, {"失败", S_LOST},
};

/* How a value is put in stored form. */
enum kind { K_TEXT, K_EMAIL, K_PHONE, K_MONEY, K_DATE, K_NUMBER,
	    K_PROBABILITY, K_ENUM, K_STAGE };

static int is_identity(const char *field);

/* A mapped column. */
struct mcol {
	char *source;       /* the header, or "First Name + Last Name" */
	char *field;
	const struct col_def *def;   /* NULL for a custom field */
	enum kind kind;
	size_t src, src2;   /* source columns; src2 != UNKNOWN: joined */
	int wan;            /* amounts in 万: the header said 万元 */
	struct strmap *seen;   /* an enum's keys -> values so far */
	int identity;          /* is_identity(field) */
};

struct import {
	char *name;         /* the path, for messages */
	FILE *fp;           /* UTF-8: the file, or a decoded temp file */
	const char *encoding;
	char delim;
	const struct table_def *def;
	const char *date_order;
	const struct pipeline *pipeline;
	const char *const *stage_maps;
	size_t nstage_maps;
	char **header;      /* trimmed */
	size_t nheader;
	long header_rec;    /* records read up to and including the header */
	struct mcol *cols;
	size_t ncols;
	struct buf arena;   /* a row's values, NUL after each */
	size_t *offs;
	char **vals;
	struct buf why;     /* a row's reject reason */
	struct buf tmp, tmp2;
	struct xlsx *xlsx;  /* an .xlsx workbook: its sheet, not fp */
	long bad_col;       /* the row's first bad value's source column */
	struct buf where;   /* the row's location for messages */
	long *lines;        /* a record's source line, when not the CSV's */
	size_t ignore;      /* the source column left out, or UNKNOWN */
	char **row;         /* a record without it */
};

/* ---- text -------------------------------------------------------------- */

/* The code point at *pp, advancing *pp; a stray byte is U+FFFD. */
static unsigned long take_cp(const char **pp)
{
	const unsigned char *p = (const unsigned char *)*pp;
	unsigned long cp;
	int len, i;

	if (p[0] < 0x80 || p[0] < 0xC0) {
		*pp += 1;
		return p[0] < 0x80 ? p[0] : 0xFFFD;
	}
	len = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	cp = p[0] & (0x3F >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp += 1;
			return 0xFFFD;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*pp += len;
	return cp;
}

static void put_cp(struct buf *b, unsigned long cp)
{
	char s[4];

	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		s[0] = (char)(0xC0 | cp >> 6);
		s[1] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, s, 2);
	} else if (cp < 0x10000) {
		s[0] = (char)(0xE0 | cp >> 12);
		s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, s, 3);
	} else {
		s[0] = (char)(0xF0 | cp >> 18);
		s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		s[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		s[3] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, s, 4);
	}
}

/* Full-width ASCII (Ｅｍａｉｌ, １２３, ＋) as ASCII. */
static unsigned long fold_width(unsigned long cp)
{
	return cp >= 0xFF01 && cp <= 0xFF5E ? cp - 0xFEE0 : cp;
}

/* Letters and digits of any script carry a header's meaning;
 * punctuation, symbols and spaces do not. */
static int cp_counts(unsigned long cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z');
	if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7 || cp == 0xFEFF)
		return 0;
	return !((cp >= 0x2000 && cp <= 0x2BFF) ||
		 (cp >= 0x3000 && cp <= 0x303F) ||
		 (cp >= 0xFE30 && cp <= 0xFE6F) ||
		 (cp >= 0xFF00 && cp <= 0xFFEF));
}

/* s as a key for comparing names: "Probability (%)" -> "probability",
 * "Ｅ－Ｍａｉｌ" -> "email", "客户名称：" -> "客户名称". */
static void norm_key(const char *s, char *out, size_t n)
{
	struct buf b = {0};
	unsigned long cp;

	while (*s) {
		cp = fold_width(take_cp(&s));
		if (!cp_counts(cp))
			continue;
		if ((cp >= 'A' && cp <= 'Z') ||
		    (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
			cp += 0x20;
		put_cp(&b, cp);
	}
	snprintf(out, n, "%s", b.s ? b.s : "");
	buf_free(&b);
}

/* Is key the key of name?  Names are few (synonyms, enum values,
 * stages, headers) and asked about for every row: their keys are made
 * once and kept for the run. */
static int key_is(const char *key, const char *name)
{
	static struct strmap *known;
	char k[KEY_MAX];
	void **slot;

	if (!known)
		known = strmap_new();
	slot = strmap_slot(known, name);
	if (!*slot) {
		norm_key(name, k, sizeof k);
		*slot = xstrdup(k);
	}
	return !strcmp(key, *slot);
}

/* Bytes of white space at s[0..len): ASCII, NBSP, U+3000, and the
 * invisible U+FEFF and U+200B spreadsheets leave behind. */
static size_t space_at(const char *s, size_t len)
{
	if (len >= 1 && (*s == ' ' || (*s >= '\t' && *s <= '\r')))
		return 1;
	if (len >= 2 && !memcmp(s, "\xc2\xa0", 2))
		return 2;
	if (len >= 3 && (!memcmp(s, "\xe3\x80\x80", 3) ||
			 !memcmp(s, "\xef\xbb\xbf", 3) ||
			 !memcmp(s, "\xe2\x80\x8b", 3)))
		return 3;
	return 0;
}

/* The same, ending at s + len. */
static size_t space_before(const char *s, size_t len)
{
	if (len >= 1 && (s[len - 1] == ' ' ||
			 (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
		return 1;
	if (len >= 2 && !memcmp(s + len - 2, "\xc2\xa0", 2))
		return 2;
	if (len >= 3 && (!memcmp(s + len - 3, "\xe3\x80\x80", 3) ||
			 !memcmp(s + len - 3, "\xef\xbb\xbf", 3) ||
			 !memcmp(s + len - 3, "\xe2\x80\x8b", 3)))
		return 3;
	return 0;
}

/* s[0..*len) without surrounding white space. */
static const char *trim_n(const char *s, size_t *len)
{
	size_t k;

	while ((k = space_at(s, *len))) {
		s += k;
		*len -= k;
	}
	while ((k = space_before(s, *len)))
		*len -= k;
	return s;
}

static int is_blank(const char *s)
{
	size_t len = strlen(s);

	trim_n(s, &len);
	return len == 0;
}

/* A field as a value: trimmed, and Excel's ="0123" (written so that
 * Excel keeps the leading zero) unwrapped. */
static void clean(const char *s, struct buf *out)
{
	size_t len = strlen(s);

	s = trim_n(s, &len);
	if (len >= 3 && s[0] == '=' && s[1] == '"' && s[len - 1] == '"' &&
	    !memchr(s + 2, '"', len - 3)) {
		s += 2;
		len -= 3;
		s = trim_n(s, &len);
	}
	if (*s == '\'' && excel_unquote(s) != s) {	/* an --excel export */
		s++;
		len--;
	}
	buf_reset(out);
	buf_add(out, s, len);
}

/* t shortened for a message, cut on a character boundary. */
static const char *quote(const char *t, char *qb)
{
	size_t n = strlen(t);

	if (n < QUOTE_MAX)
		return t;
	n = QUOTE_MAX - 4;
	while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
		n--;
	memcpy(qb, t, n);
	memcpy(qb + n, "...", 4);
	return qb;
}

/* Han, kana or Hangul: names written family name first, no space. */
static int is_cjk(const char *s)
{
	unsigned long cp = take_cp(&s);

	return (cp >= 0x2E80 && cp <= 0x9FFF) ||
	       (cp >= 0xAC00 && cp <= 0xD7AF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* ---- encoding ---------------------------------------------------------- */

/*
 * While checking for UTF-8, guess whether the high bytes are GB18030 at
 * all: in Chinese text they come in pairs (most of them both >= 0xA1,
 * GB2312's range) or as four-byte sequences; in a European code page a
 * high byte mostly stands alone before an ASCII letter ("Müller").
 */
struct gb_guess {
	int state;          /* 0: between characters; 1..3: inside one */
	long gb, latin;     /* pairs that look Chinese / European */
	long line, latin_line;
};

static void gb_latin(struct gb_guess *g)
{
	g->latin++;
	if (!g->latin_line)
		g->latin_line = g->line;
	g->state = 0;
}

static void gb_byte(struct gb_guess *g, unsigned c)
{
	switch (g->state) {
	case 0:
		if (c >= 0x81 && c <= 0xFE)
			g->state = 1;
		else if (c >= 0x80)
			gb_latin(g);
		break;
	case 1:
		if (c >= 0x30 && c <= 0x39) {
			g->state = 2;
		} else if (c >= 0x80 && c <= 0xFE) {
			g->gb++;
			g->state = 0;
		} else {
			gb_latin(g);
		}
		break;
	case 2:
		if (c >= 0x81 && c <= 0xFE)
			g->state = 3;
		else
			gb_latin(g);
		break;
	default:
		if (c >= 0x30 && c <= 0x39) {
			g->gb++;
			g->state = 0;
		} else {
			gb_latin(g);
		}
	}
	/* 0x0A is never part of a GB18030 character. */
	if (c == '\n')
		g->line++;
}

/* The GB18030 guess over the whole of fp. */
static void gb_pass(FILE *fp, struct gb_guess *g, char *buf)
{
	size_t n;

	rewind(fp);
	while ((n = fread(buf, 1, CHUNK, fp)) > 0)
		for (size_t i = 0; i < n; i++)
			gb_byte(g, (unsigned char)buf[i]);
}

/* Is all of fp valid UTF-8?  Reads it to the end in chunks, carrying a
 * sequence cut by a chunk's end into the next one.  When it is not, a
 * second pass guesses whether it is GB18030 (g). */
static int stream_is_utf8(FILE *fp, struct gb_guess *g, struct crm_err *err,
			  const char *name)
{
	char *buf = xmalloc(CHUNK + 4);
	size_t have = 0, n, ok;
	int valid = 1;

	while (valid && (n = fread(buf + have, 1, CHUNK, fp)) > 0) {
		n += have;
		ok = utf8_valid_prefix(buf, n);
		have = n - ok;
		if (have >= 4)
			valid = 0;
		else
			memmove(buf, buf + ok, have);
	}
	valid = valid && have == 0;
	if (!valid && !ferror(fp))
		gb_pass(fp, g, buf);
	free(buf);
	if (ferror(fp))
		return crm_errf(err, NULL, 0, "cannot read %s: %s", name,
				strerror(errno));
	return valid;
}

struct decoder {
	iconv_t cd;
	FILE *out;
	const char *name, *enc;
	int sniffed;
	char *in, *obuf;
	size_t have;
	long lines;         /* line feeds written so far */
};

static void emit(struct decoder *d, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	fwrite(s, 1, n, d->out);
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		d->lines++;
		p++;
	}
}

static int bad_bytes(struct decoder *d, const char *at, struct crm_err *err)
{
	unsigned c = (unsigned char)*at;

	if (d->sniffed)
		return crm_errf(err, d->name, d->lines + 1, "not UTF-8, and "
				"byte 0x%02X is not GB18030 either: use "
				"--encoding", c);
	return crm_errf(err, d->name, d->lines + 1, "byte 0x%02X is not "
			"valid %s", c, d->enc);
}

/* Convert what is in d->in; an incomplete character at the end stays
 * there for the next chunk. */
static int decode_chunk(struct decoder *d, struct crm_err *err)
{
	char *ip = d->in, *op;
	size_t left = d->have, room, r;
	int e;

	for (;;) {
		op = d->obuf;
		room = OUT_CHUNK;
		r = iconv(d->cd, &ip, &left, &op, &room);
		e = errno;
		emit(d, d->obuf, (size_t)(op - d->obuf));
		if (r != (size_t)-1 || e == EINVAL)
			break;
		if (e == EILSEQ)
			return bad_bytes(d, ip, err);
		if (e != E2BIG)
			return crm_errf(err, d->name, d->lines + 1,
					"cannot convert from %s: %s", d->enc,
					strerror(e));
	}
	memmove(d->in, ip, left);
	d->have = left;
	return 0;
}

static int decode_stream(struct decoder *d, FILE *in, struct crm_err *err)
{
	size_t n;
	int rc = 0;

	d->in = xmalloc(CHUNK);
	d->obuf = xmalloc(OUT_CHUNK);
	while (rc == 0 && (n = fread(d->in + d->have, 1, CHUNK - d->have,
				     in)) > 0) {
		d->have += n;
		rc = decode_chunk(d, err);
	}
	if (rc == 0 && ferror(in))
		rc = crm_errf(err, NULL, 0, "cannot read %s: %s", d->name,
			      strerror(errno));
	if (rc == 0 && d->have)
		rc = crm_errf(err, d->name, d->lines + 1, "file ends inside "
			      "a %s character", d->enc);
	if (rc == 0 && fflush(d->out) != 0)
		rc = crm_errf(err, NULL, 0, "cannot write a temporary file: "
			      "%s", strerror(errno));
	free(d->in);
	free(d->obuf);
	return rc;
}

/* fp (from offset skip) decoded from enc into a temporary file. */
static FILE *decode_file(FILE *fp, long skip, const char *name,
			 const char *enc, int sniffed, struct crm_err *err)
{
	struct decoder d = {0};
	int rc;

	d.cd = iconv_open("UTF-8", enc);
	if (d.cd == (iconv_t)-1) {
		crm_usagef(err, "--encoding: '%s' is not an encoding this "
			   "system knows", enc);
		return NULL;
	}
	d.name = name;
	d.enc = enc;
	d.sniffed = sniffed;
	if (!(d.out = tmpfile())) {
		crm_errf(err, NULL, 0, "cannot make a temporary file: %s",
			 strerror(errno));
	} else if (fseek(fp, skip, SEEK_SET) != 0) {
		crm_errf(err, NULL, 0, "cannot read %s: %s", name,
			 strerror(errno));
	} else if ((rc = decode_stream(&d, fp, err)) == 0) {
		iconv_close(d.cd);
		rewind(d.out);
		return d.out;
	}
	if (d.out)
		fclose(d.out);
	iconv_close(d.cd);
	return NULL;
}

/* Standard input copied to a temporary file: it is read more than once. */
static FILE *copy_stdin(struct crm_err *err)
{
	FILE *tmp = tmpfile();
	char *chunk;
	size_t n;

	if (!tmp) {
		crm_errf(err, NULL, 0, "cannot make a temporary file: %s",
			 strerror(errno));
		return NULL;
	}
	chunk = xmalloc(CHUNK);
	while ((n = fread(chunk, 1, CHUNK, stdin)) > 0)
		fwrite(chunk, 1, n, tmp);
	free(chunk);
	if (ferror(stdin) || fflush(tmp) != 0) {
		crm_errf(err, NULL, 0, "cannot read standard input: %s",
			 strerror(errno));
		fclose(tmp);
		return NULL;
	}
	rewind(tmp);
	return tmp;
}

static int is_utf8_name(const char *enc)
{
	return !strcasecmp(enc, "UTF-8") || !strcasecmp(enc, "UTF8");
}

/* Decide the encoding of fp and set im->fp to its UTF-8 text. */
static int choose_encoding(struct import *im, FILE *fp, struct crm_err *err)
{
	unsigned char head[3] = {0};
	struct gb_guess g = {0, 0, 0, 1, 0};
	size_t n = fread(head, 1, sizeof head, fp);
	int valid;

	im->encoding = "UTF-8";
	if (n >= 2 && (head[0] == 0xFF || head[0] == 0xFE) &&
	    head[0] + head[1] == 0xFF + 0xFE) {
		im->encoding = head[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
		im->fp = decode_file(fp, 2, im->name, im->encoding, 1, err);
		fclose(fp);
		return im->fp ? 0 : -1;
	}
	rewind(fp);
	if (n == 3 && !memcmp(head, "\xef\xbb\xbf", 3)) {
		im->fp = fp;
		return 0;
	}
	valid = stream_is_utf8(fp, &g, err, im->name);
	if (valid > 0) {
		rewind(fp);
		im->fp = fp;
		return 0;
	}
	if (valid < 0) {
		fclose(fp);
		return -1;
	}
	im->encoding = "GB18030";
	if (g.latin > g.gb) {
		fclose(fp);
		return crm_errf(err, im->name, g.latin_line, "not UTF-8, and "
				"not GB18030 either (it looks like a European "
				"code page): use --encoding, e.g. "
				"--encoding WINDOWS-1252");
	}
	im->fp = decode_file(fp, 0, im->name, im->encoding, 1, err);
	fclose(fp);
	return im->fp ? 0 : -1;
}

/* ---- JSON Lines: crm's own records (list --format jsonl) -------------- */

/* Does the text start (after a BOM and blanks) with '{'? */
static int is_jsonl(FILE *fp)
{
	char head[4096];
	size_t n = fread(head, 1, sizeof head, fp), i = 0;

	rewind(fp);
	if (n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && strchr(" \t\r\n", head[i]))
		i++;
	return i < n && head[i] == '{';
}

struct jsonl_csv {
	struct import *im;
	struct strmap *seen;
	char **keys;
	size_t nkeys;
	FILE *out;
	size_t nlines;
};

/* First pass: the union of the keys, in order of first appearance. */
static int jsonl_keys(void *ctx, const struct logrec *r, long line,
		      struct crm_err *err)
{
	struct jsonl_csv *j = ctx;

	for (size_t i = 0; i < r->n; i++) {
		void **slot = strmap_slot(j->seen, r->keys[i]);

		if (*slot)
			continue;
		*slot = (void *)1;
		j->keys = xrealloc(j->keys, (j->nkeys + 1) * sizeof *j->keys);
		j->keys[j->nkeys++] = xstrdup(r->keys[i]);
	}
	return 0;
}

/* Second pass: each object a CSV record, its line remembered. */
static int jsonl_row(void *ctx, const struct logrec *r, long line,
		     struct crm_err *err)
{
	struct jsonl_csv *j = ctx;
	char **cells = xcalloc(j->nkeys + 1, sizeof *cells);

	for (size_t k = 0; k < j->nkeys; k++) {
		const char *v = logrec_get(r, j->keys[k]);

		cells[k] = (char *)(v ? v : "");
	}
	csv_write_row(j->out, cells, j->nkeys, ',');
	free(cells);
	j->im->lines = xrealloc(j->im->lines, (j->nlines + 1) *
				sizeof *j->im->lines);
	j->im->lines[j->nlines++] = line;
	return 0;
}

/* JSON Lines records as CSV text in a temporary file, streamed twice:
 * memory holds the keys and a line number a record. */
static FILE *jsonl_to_csv(struct import *im, FILE *fp, struct crm_err *err)
{
	struct jsonl_csv j = {im, strmap_new(), NULL, 0, tmpfile(), 0};
	int rc = -1;

	if (!j.out)
		crm_errf(err, NULL, 0, "cannot make a temporary file: %s",
			 strerror(errno));
	else if (jsonl_scan_fp(fp, im->name, jsonl_keys, &j, err) == 0) {
		csv_write_row(j.out, j.keys, j.nkeys, ',');
		rewind(fp);
		rc = jsonl_scan_fp(fp, im->name, jsonl_row, &j, err);
	}
	if (rc == 0 && fflush(j.out) != 0)
		rc = crm_errf(err, NULL, 0, "cannot write a temporary file: "
			      "%s", strerror(errno));
	for (size_t k = 0; k < j.nkeys; k++)
		free(j.keys[k]);
	free(j.keys);
	strmap_free(j.seen);
	fclose(fp);
	if (rc < 0 && j.out)
		fclose(j.out);
	if (rc < 0)
		return NULL;
	rewind(j.out);
	return j.out;
}

/* ---- opening ----------------------------------------------------------- */

/*
 * A file (or "-") opened as a stream of rows: UTF-8 CSV text in im->fp,
 * whatever the source was (a sniffed or named encoding, JSON Lines);
 * or an .xlsx workbook, whose sheet xlsx.c reads as rows (read_rows).
 */
static int open_text(struct import *im, const char *enc, const char *sheet,
		     struct crm_err *err)
{
	FILE *fp;

	if (!strcmp(im->name, "-"))
		fp = copy_stdin(err);
	else if (!(fp = fopen(im->name, "rb")))
		crm_errf(err, NULL, 0, "cannot open %s: %s", im->name,
			 strerror(errno));
	if (!fp)
		return -1;
	if (xlsx_detect(fp)) {
		im->encoding = "xlsx";
		im->xlsx = xlsx_open(fp, im->name, sheet, err);
		fclose(fp);
		return im->xlsx ? 0 : -1;
	}
	if (sheet) {
		fclose(fp);
		return crm_usagef(err, "--sheet: %s is not an .xlsx workbook",
				  im->name);
	}
	if ((!enc || is_utf8_name(enc)) && is_jsonl(fp)) {
		im->encoding = "UTF-8";
		return (im->fp = jsonl_to_csv(im, fp, err)) ? 0 : -1;
	}
	if (!enc)
		return choose_encoding(im, fp, err);
	im->encoding = enc;
	if (is_utf8_name(enc)) {
		im->encoding = "UTF-8";
		im->fp = fp;
		return 0;
	}
	im->fp = decode_file(fp, 0, im->name, enc, 0, err);
	fclose(fp);
	return im->fp ? 0 : -1;
}

/* ---- delimiter --------------------------------------------------------- */

static const char delimiters[] = { ',', ';', '\t' };

struct sample {
	size_t counts[SNIFF_RECORDS][N(delimiters)];
	size_t n;
};

/* Delimiters outside quotes in each whole record of s[0..len). */
static void count_delimiters(const char *s, size_t len, int at_eof,
			     struct sample *sm)
{
	size_t cur[N(delimiters)] = {0}, i, k;
	int quoted = 0, any = 0;

	for (i = 0; i < len && sm->n < SNIFF_RECORDS; i++) {
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (!quoted && s[i] == '\n') {
			if (any)
				memcpy(sm->counts[sm->n++], cur, sizeof cur);
			memset(cur, 0, sizeof cur);
			any = 0;
			continue;
		}
		any |= s[i] != '\r';
		for (k = 0; !quoted && k < N(delimiters); k++)
			cur[k] += s[i] == delimiters[k];
	}
	if (at_eof && any && !quoted && sm->n < SNIFF_RECORDS)
		memcpy(sm->counts[sm->n++], cur, sizeof cur);
}

/* How many records have delimiter k's most common non-zero count, and
 * that count. */
static void mode_of(const struct sample *sm, size_t k, size_t *freq,
		    size_t *count)
{
	size_t i, j, f;

	*freq = *count = 0;
	for (i = 0; i < sm->n; i++) {
		if (!sm->counts[i][k])
			continue;
		for (f = 0, j = 0; j < sm->n; j++)
			f += sm->counts[j][k] == sm->counts[i][k];
		if (f > *freq || (f == *freq && sm->counts[i][k] > *count)) {
			*freq = f;
			*count = sm->counts[i][k];
		}
	}
}

static char sniff_delimiter(const char *s, size_t len, int at_eof)
{
	struct sample *sm = xcalloc(1, sizeof *sm);
	size_t k, freq, count, best_freq = 0, best_count = 0;
	char best = ',';

	count_delimiters(s, len, at_eof, sm);
	for (k = 0; k < N(delimiters); k++) {
		mode_of(sm, k, &freq, &count);
		if (freq > best_freq ||
		    (freq == best_freq && count > best_count)) {
			best = delimiters[k];
			best_freq = freq;
			best_count = count;
		}
	}
	free(sm);
	return best;
}

static int choose_delimiter(struct import *im, char given,
			    struct crm_err *err)
{
	char *s;
	size_t n, skip;

	if (given || im->xlsx) {
		im->delim = given ? given : ',';
		return 0;
	}
	s = xmalloc(SNIFF_BYTES);
	n = fread(s, 1, SNIFF_BYTES, im->fp);
	skip = n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3) ? 3 : 0;
	im->delim = sniff_delimiter(s + skip, n - skip, n < SNIFF_BYTES);
	free(s);
	if (ferror(im->fp))
		return crm_errf(err, NULL, 0, "cannot read %s: %s", im->name,
				strerror(errno));
	rewind(im->fp);
	return 0;
}

/* ---- the header -------------------------------------------------------- */

static size_t count_nonblank(char **f, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !is_blank(f[i]);
	return k;
}

static char **copy_trimmed(char **f, size_t n)
{
	char **v = xcalloc(n + 1, sizeof *v);
	size_t i, len;
	const char *s;

	for (i = 0; i < n; i++) {
		len = strlen(f[i]);
		s = trim_n(f[i], &len);
		v[i] = xstrndup(s, len);
	}
	return v;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* The source's records through fn: the sheet's rows (padded to the
 * header's width), or the CSV text's. */
static int read_rows(struct import *im, csv_row_fn fn, void *ctx,
		     struct crm_err *err)
{
	struct csv_opts o = {0};
	int rc;

	if (im->xlsx)
		return xlsx_read(im->xlsx, im->nheader, fn, ctx, err);
	o.delim = im->delim;
	o.allow_ragged = 1;
	rewind(im->fp);
	rc = csv_read(im->fp, im->name, &o, fn, ctx, err);
	rewind(im->fp);
	return rc;
}

struct head_scan {
	struct import *im;
	long rec;
	int found;
};

/*
 * The header is the first record with two or more non-empty fields among
 * the first few: a title line above it ("客户列表", "Leads report") is
 * skipped.  A file of one column has its header first.
 */
static int on_head(void *ctx, char **f, size_t n, long line,
		   struct crm_err *err)
{
	struct head_scan *hs = ctx;
	struct import *im = hs->im;

	hs->rec++;
	if (hs->rec == 1) {
		im->header = copy_trimmed(f, n);
		im->nheader = n;
		im->header_rec = 1;
	}
	if (count_nonblank(f, n) >= 2 && hs->rec > 1) {
		free_strings(im->header, im->nheader);
		im->header = copy_trimmed(f, n);
		im->nheader = n;
		im->header_rec = hs->rec;
	}
	if (count_nonblank(f, n) >= 2 || hs->rec >= PREAMBLE_MAX) {
		hs->found = 1;
		return -1;
	}
	return 0;
}

static int read_header(struct import *im, struct crm_err *err)
{
	struct head_scan hs = {im, 0, 0};
	int rc;

	rc = read_rows(im, on_head, &hs, err);
	if (rc < 0 && !hs.found)
		return -1;
	if (!im->header)
		return crm_errf(err, im->name, 0, "no header row");
	im->ignore = UNKNOWN;
	for (size_t j = 0; j < im->nheader; j++)
		if (!strcmp(im->header[j], IMPORT_REJECT_COLUMN)) {
			im->ignore = j;
			free(im->header[j]);
			memmove(im->header + j, im->header + j + 1,
				(im->nheader - j) * sizeof *im->header);
			im->nheader--;
			break;
		}
	return 0;
}

/* A record without the column left out (a rejects file's reason). */
static char **without_ignored(struct import *im, char **f, size_t *n)
{
	if (im->ignore == UNKNOWN || *n <= im->ignore)
		return f;
	im->row = xrealloc(im->row, *n * sizeof *im->row);
	memcpy(im->row, f, im->ignore * sizeof *f);
	memcpy(im->row + im->ignore, f + im->ignore + 1,
	       (*n - im->ignore - 1) * sizeof *f);
	(*n)--;
	return im->row;
}

/* ---- the mapping ------------------------------------------------------- */

static int is_person_table(const struct table_def *def)
{
	return !strcmp(def->name, "leads") || !strcmp(def->name, "contacts");
}

/* The field a role goes to in this table, or NULL. */
static const char *role_field(const struct table_def *def, enum role r)
{
	switch (r) {
	case R_NONE: case R_FIRST: case R_LAST: case R_NROLES:
		return NULL;
	case R_NAME:
		return "name";
	case R_PERSON:
		return table_def_col(def, "contact") || !is_person_table(def)
			? "contact" : "name";
	case R_COMPANY:
		if (table_def_col(def, "company"))
			return "company";
		if (table_def_col(def, "customer"))
			return "customer";
		return !strcmp(def->name, "customers") ? "name" : "company";
	case R_DEAL:
		return !strcmp(def->name, "opportunities") ? "name" : NULL;
	default:
		break;
	}
	if (roles[r].always || table_def_col(def, roles[r].field))
		return roles[r].field;
	return NULL;
}

static enum role synonym_role(const char *key)
{
	for (size_t i = 0; i < N(synonyms); i++)
		if (key_is(key, synonyms[i].header))
			return synonyms[i].role;
	return R_NONE;
}

/* A header's role; "金额(万元)" is an amount in 万. */
static enum role header_role(const char *key, int *wan)
{
	enum role r = synonym_role(key);
	char k[KEY_MAX];
	size_t i, n, sn;

	*wan = 0;
	for (i = 0; r == R_NONE && i < N(amount_units); i++) {
		n = strlen(key);
		sn = strlen(amount_units[i].suffix);
		if (n <= sn || strcmp(key + n - sn, amount_units[i].suffix))
			continue;
		snprintf(k, sizeof k, "%.*s", (int)(n - sn), key);
		if (synonym_role(k) == R_AMOUNT) {
			r = R_AMOUNT;
			*wan = amount_units[i].wan;
		}
	}
	return r;
}

/* A fixed column named by the header itself ("next_date", "Next Date");
 * ids and references are reached only through roles. */
static const char *own_column(const struct table_def *def, const char *key)
{
	for (size_t i = 0; i < def->ncols; i++) {
		const struct col_def *c = &def->cols[i];

		if (c->type != COL_ID && c->type != COL_REF &&
		    key_is(key, c->name))
			return c->name;
	}
	return NULL;
}

/* The mapping while it is made: per source column. */
struct plan {
	char **field;       /* its field, or NULL */
	enum role *role;
	int *wan;
	size_t n;
};

static int taken(const struct plan *pl, const char *field)
{
	for (size_t j = 0; j < pl->n; j++)
		if (pl->field[j] && !strcmp(pl->field[j], field))
			return 1;
	return 0;
}

static size_t find_source(const struct import *im, const char *src)
{
	char key[KEY_MAX];
	size_t j;

	for (j = 0; j < im->nheader; j++)
		if (!strcmp(im->header[j], src))
			return j;
	norm_key(src, key, sizeof key);
	for (j = 0; *key && j < im->nheader; j++)
		if (key_is(key, im->header[j]))
			return j;
	return UNKNOWN;
}

/* "Source Column=field": the field, canonical when it is a fixed one. */
static char *map_target(const struct table_def *def, const char *s,
			size_t len)
{
	s = trim_n(s, &len);
	for (size_t i = 0; i < def->ncols; i++)
		if (strlen(def->cols[i].name) == len &&
		    !strncasecmp(def->cols[i].name, s, len))
			return xstrdup(def->cols[i].name);
	return xstrndup(s, len);
}

static int apply_map(struct import *im, struct plan *pl, const char *map,
		     struct crm_err *err)
{
	const char *eq = strrchr(map, '=');
	char *src, *field;
	size_t j, len;

	if (!eq)
		return crm_usagef(err, "--map '%s': not COLUMN=FIELD", map);
	len = (size_t)(eq - map);
	src = xstrndup(trim_n(map, &len), len);
	field = map_target(im->def, eq + 1, strlen(eq + 1));
	j = find_source(im, src);
	if (j == UNKNOWN)
		crm_usagef(err, "--map '%s': %s has no column '%s'", map,
			   im->name, src);
	else if (!*field || strpbrk(field, ",\"\r\n"))
		crm_usagef(err, "--map '%s': '%s' is not a field name", map,
			   field);
	else if (!strcmp(field, "id"))
		crm_usagef(err, "--map '%s': ids are made on import (map it "
			   "to source_id)", map);
	else if (taken(pl, field) || pl->field[j])
		crm_usagef(err, "--map '%s': mapped twice", map);
	else
		pl->field[j] = field, field = NULL;
	free(src);
	if (!field)
		return 0;
	free(field);
	return -1;
}

/* Columns no --map took, by their own name or a synonym, in order. */
static void claim_synonyms(struct import *im, struct plan *pl)
{
	char key[KEY_MAX];
	const char *f;

	for (size_t j = 0; j < pl->n; j++) {
		if (pl->field[j])
			continue;
		norm_key(im->header[j], key, sizeof key);
		if (!*key)
			continue;
		f = own_column(im->def, key);
		pl->role[j] = header_role(key, &pl->wan[j]);
		if (!f)
			f = role_field(im->def, pl->role[j]);
		if (f && !taken(pl, f))
			pl->field[j] = xstrdup(f);
	}
}

static size_t role_column(const struct plan *pl, enum role r)
{
	for (size_t j = 0; j < pl->n; j++)
		if (!pl->field[j] && pl->role[j] == r)
			return j;
	return UNKNOWN;
}

/* A custom field's name: the header, made a valid field name (no
 * comma, quote or line break) and unlike every other field. */
static char *custom_name(const struct import *im, const struct plan *pl,
			 size_t j)
{
	struct buf b = {0};
	char *base, *name;
	size_t len, i, k;

	buf_adds(&b, "");
	for (const char *s = im->header[j]; *s; s++) {
		char c = *s == '"' ? '\'' : strchr(",\r\n", *s) ? ' ' : *s;

		if (c != ' ' || !b.len || b.s[b.len - 1] != ' ')
			buf_addc(&b, c);
	}
	len = b.len;
	base = xstrndup(trim_n(b.s, &len), len);
	buf_free(&b);
	if (!*base) {
		free(base);
		base = xasprintf("column %zu", j + 1);
	}
	name = xstrdup(base);
	for (k = 2;; k++) {
		int clash = taken(pl, name) || table_def_col(im->def, name);

		for (i = 0; !clash && i < im->ncols; i++)
			clash = !strcmp(im->cols[i].field, name);
		if (!clash)
			break;
		free(name);
		name = xasprintf("%s %zu", base, k);
	}
	free(base);
	return name;
}

static enum kind field_kind(const struct table_def *def, const char *field,
			    const struct col_def **cd)
{
	const struct col_def *d = table_def_col(def, field);

	*cd = d;
	if (!strcmp(field, "email"))
		return K_EMAIL;
	if (!strcmp(field, "phone"))
		return K_PHONE;
	if (!d)
		return K_TEXT;
	switch (d->type) {
	case COL_MONEY:
		return K_MONEY;
	case COL_DATE:
		return K_DATE;
	case COL_NUMBER:
		return strcmp(field, "probability") ? K_NUMBER : K_PROBABILITY;
	case COL_ENUM:
		return K_ENUM;
	case COL_STAGE:
		return K_STAGE;
	default:
		return K_TEXT;
	}
}

static void add_col(struct import *im, char *source, char *field,
		    size_t src, size_t src2, int wan)
{
	struct mcol *c;

	im->cols = xrealloc(im->cols, (im->ncols + 1) * sizeof *im->cols);
	c = &im->cols[im->ncols++];
	c->source = source;
	c->field = field;
	c->kind = field_kind(im->def, field, &c->def);
	c->src = src;
	c->src2 = src2;
	c->wan = wan;
	c->seen = NULL;
	c->identity = is_identity(field);
}

/* The mapped columns in source order; First and Last Name as one. */
static void emit_columns(struct import *im, struct plan *pl)
{
	const char *person = role_field(im->def, R_PERSON);
	size_t first = role_column(pl, R_FIRST), last = role_column(pl, R_LAST);
	size_t j, lo, hi;
	int join = !taken(pl, person) && (first != UNKNOWN || last != UNKNOWN);

	lo = first < last ? first : last;
	hi = first < last ? last : first;
	for (j = 0; j < pl->n; j++) {
		if (join && j == lo && hi != UNKNOWN)
			add_col(im, xasprintf("%s + %s", im->header[first],
					      im->header[last]),
				xstrdup(person), first, last, 0);
		else if (join && j == lo)
			add_col(im, xstrdup(im->header[j]), xstrdup(person),
				j, UNKNOWN, 0);
		else if (join && j == hi)
			continue;
		else if (pl->field[j])
			add_col(im, xstrdup(im->header[j]),
				xstrdup(pl->field[j]), j, UNKNOWN, pl->wan[j]);
		else
			add_col(im, xstrdup(im->header[j]),
				custom_name(im, pl, j), j, UNKNOWN, 0);
	}
}

static int map_columns(struct import *im, const struct import_opts *o,
		       struct crm_err *err)
{
	struct plan pl;
	int rc = 0;

	pl.n = im->nheader;
	pl.field = xcalloc(pl.n, sizeof *pl.field);
	pl.role = xcalloc(pl.n, sizeof *pl.role);
	pl.wan = xcalloc(pl.n, sizeof *pl.wan);
	for (size_t i = 0; rc == 0 && i < o->nmaps; i++)
		rc = apply_map(im, &pl, o->maps[i], err);
	if (rc == 0) {
		claim_synonyms(im, &pl);
		emit_columns(im, &pl);
	}
	free_strings(pl.field, pl.n);
	free(pl.role);
	free(pl.wan);
	return rc;
}

/* ---- values: dates ----------------------------------------------------- */

static int take_num(const char **pp, int min, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (**pp >= '0' && **pp <= '9') {
		if (n < 9)
			*v = *v * 10 + (**pp - '0');
		n++;
		(*pp)++;
	}
	return n >= min && n <= max ? n : -1;
}

/* Two-digit years as POSIX strptime reads them: 69-99 1900s, else 2000s. */
static int full_year(int y, int digits)
{
	if (digits != 2)
		return y;
	return y < 69 ? 2000 + y : 1900 + y;
}

/* Is y-m-d a real day?  Sets *day. */
static int real_day(int y, int m, int d, int32_t *day)
{
	int yy, mm, dd;

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	*day = date_from_ymd(y, m, d);
	date_to_ymd(*day, &yy, &mm, &dd);
	return yy == y && mm == m && dd == d;
}

/* "3/5/2026", "05.03.26", maybe a time after a blank: the year last. */
static int year_last(const char *t, int *a, int *b, int *y)
{
	const char *p = t;
	char sep;
	int n;

	if (take_num(&p, 1, 2, a) < 0)
		return 0;
	sep = *p;
	if (sep != '/' && sep != '-' && sep != '.')
		return 0;
	p++;
	if (take_num(&p, 1, 2, b) < 0 || *p++ != sep)
		return 0;
	n = take_num(&p, 2, 4, y);
	if (n != 2 && n != 4)
		return 0;
	*y = full_year(*y, n);
	return !*p || *p == ' ' || *p == 'T';
}

static int year_last_date(const struct import *im, const char *t, int a,
			  int b, int y, int32_t *day, struct crm_err *why)
{
	char qb[QUOTE_MAX];
	const char *q = quote(t, qb);
	const char *order = im->date_order;

	if (!order)
		return crm_errf(why, NULL, 0, "date '%s' is ambiguous: use "
				"--date-order", q);
	if (!strcmp(order, "ymd"))
		return crm_errf(why, NULL, 0, "date '%s' is not in ymd "
				"order", q);
	if (!strcmp(order, "mdy") ? !real_day(y, a, b, day)
				  : !real_day(y, b, a, day))
		return crm_errf(why, NULL, 0, "date '%s' is not a date in %s "
				"order", q, order);
	return 0;
}

static int month_named(const char *s, size_t n)
{
	static const char *const months[] = {
		"january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november",
		"december"
	};

	if (n < 3)
		return 0;
	for (int m = 0; m < 12; m++)
		if (n <= strlen(months[m]) && !strncasecmp(s, months[m], n))
			return m + 1;
	return n == 4 && !strncasecmp(s, "sept", 4) ? 9 : 0;
}

/* "Mar 5, 2026", "5-Mar-2026", "05-Mar-26", "March 5 2026 9:30 AM". */
static int named_month_date(const char *t, int32_t *day)
{
	const char *tok[6], *p = t;
	size_t len[6], n = 0, k;
	int m, d, y, dn, yn, i;

	while (*p && n < 6) {
		p += strspn(p, " ,-/.");
		if (!*p)
			break;
		tok[n] = p;
		len[n] = strcspn(p, " ,-/.");
		p += len[n++];
	}
	if (n < 3)
		return -1;
	k = (m = month_named(tok[0], len[0])) ? 1 : 0;
	if (!m && !(m = month_named(tok[1], len[1])))
		return -1;
	p = tok[k ? 1 : 0];
	dn = take_num(&p, 1, 2, &d);
	if (dn < 0 || p != tok[k ? 1 : 0] + len[k ? 1 : 0])
		return -1;
	p = tok[2];
	yn = take_num(&p, 2, 4, &y);
	if ((yn != 2 && yn != 4) || p != tok[2] + len[2])
		return -1;
	for (i = 3; i < (int)n; i++)
		if (!memchr(tok[i], ':', len[i]) &&
		    strncasecmp(tok[i], "am", 2) &&
		    strncasecmp(tok[i], "pm", 2))
			return -1;
	return real_day(full_year(y, yn), m, d, day) ? 0 : -1;
}

static int is_relative(const char *t)
{
	return *t == '+' || *t == '-' || !strcasecmp(t, "today") ||
	       !strcasecmp(t, "yesterday") || !strcasecmp(t, "tomorrow");
}

/* A date in any of the forms exports use, as YYYY-MM-DD. */
static int conv_date(const struct import *im, const char *t, struct buf *out,
		     struct crm_err *why)
{
	char qb[QUOTE_MAX], iso[16], head[64];
	struct crm_err scratch;
	int32_t day;
	int a, b, y;
	size_t n;

	if (year_last(t, &a, &b, &y)) {
		if (year_last_date(im, t, a, b, y, &day, why) < 0)
			return -1;
	} else if (named_month_date(t, &day) == 0) {
		/* day set */
	} else if (is_relative(t)) {
		return crm_errf(why, NULL, 0, "date '%s' is not a date",
				quote(t, qb));
	} else if (date_parse(t, &day, why) < 0) {
		/* "2026-03-05 2:30 PM": the date part alone. */
		n = strcspn(t, " ");
		if (!t[n] || n >= sizeof head || !strchr(t + n, ':'))
			return -1;
		snprintf(head, sizeof head, "%.*s", (int)n, t);
		if (date_parse(head, &day, &scratch) < 0)
			return -1;
	}
	date_format(day, iso);
	buf_adds(out, iso);
	return 0;
}

/* ---- values: numbers and money ----------------------------------------- */

/* "40", "40%", "0.4", "12.5 %" -> whole percent, rounded. */
static int conv_probability(const char *t, struct buf *out,
			    struct crm_err *why)
{
	const char *p = t;
	long long micro = 0, scale = 1000000;
	int digits = 0, dot = 0, pct = 0;
	char qb[QUOTE_MAX], s[24];

	for (; *p >= '0' && *p <= '9' && digits < 7; p++, digits++)
		micro = micro * 10 + (*p - '0');
	micro *= scale;
	if (*p == '.' && digits) {
		dot = 1;
		for (p++; *p >= '0' && *p <= '9'; p++)
			if ((scale /= 10) > 0)
				micro += (*p - '0') * scale;
	}
	while (*p == ' ')
		p++;
	if (*p == '%' || !strncmp(p, "\xef\xbc\x85", 3)) {
		pct = 1;
		p += *p == '%' ? 1 : 3;
	}
	if (*p || !digits)
		return crm_errf(why, NULL, 0, "probability '%s' is not a "
				"percentage", quote(t, qb));
	if (!pct && dot && micro <= 1000000)
		micro *= 100;
	micro = (micro + 500000) / 1000000;
	if (micro > 100)
		return crm_errf(why, NULL, 0, "probability '%s' is not 0 to "
				"100", quote(t, qb));
	snprintf(s, sizeof s, "%lld", micro);
	buf_adds(out, s);
	return 0;
}

/* A whole number; "85.0" as Excel writes it is one too. */
static int conv_number(const struct mcol *c, const char *t, struct buf *out,
		       struct crm_err *why)
{
	const char *p = t + (*t == '-' || *t == '+');
	const char *digits = p;
	char qb[QUOTE_MAX];
	size_t n;

	while (*p >= '0' && *p <= '9')
		p++;
	n = (size_t)(p - digits);
	if (*p == '.')
		for (p++; *p == '0'; p++)
			;
	if (*p || !n || n > 15)
		return crm_errf(why, NULL, 0, "%s '%s' is not a whole number",
				c->field, quote(t, qb));
	while (n > 1 && *digits == '0')
		digits++, n--;
	if (*t == '-' && strncmp(digits, "0", n))
		buf_addc(out, '-');
	buf_add(out, digits, n);
	return 0;
}

/* Thin, no-break and plain spaces or apostrophes between digits. */
static size_t digit_group_space(const char *s)
{
	if (*s == ' ' || *s == '\'')
		return 1;
	if (!strncmp(s, "\xc2\xa0", 2))
		return 2;
	if (!strncmp(s, "\xe2\x80\xaf", 3) || !strncmp(s, "\xe2\x80\x89", 3))
		return 3;
	return 0;
}

/*
 * "1.234,56", "12 500,00", "1'234.50": European and Swiss ways of writing
 * an amount.  Only tried when money_parse() refused the value, so no
 * value that reads one way is ever read another.
 */
static int money_european(const char *s, int64_t *minor)
{
	struct buf plain = {0}, swapped = {0};
	struct crm_err scratch;
	size_t k;
	int rc;

	for (const char *p = s; *p; p++) {
		k = digit_group_space(p);
		if (k && p > s && p[-1] >= '0' && p[-1] <= '9' &&
		    p[k] >= '0' && p[k] <= '9') {
			p += k - 1;
			continue;
		}
		buf_addc(&plain, *p);
		buf_addc(&swapped, *p == '.' ? ',' : *p == ',' ? '.' : *p);
	}
	rc = money_parse(swapped.s ? swapped.s : "", minor, &scratch);
	if (rc < 0)
		rc = money_parse(plain.s ? plain.s : "", minor, &scratch);
	buf_free(&plain);
	buf_free(&swapped);
	return rc;
}

static int conv_money(const struct mcol *c, const char *t, struct buf *out,
		      struct crm_err *why)
{
	struct buf v = {0};
	struct crm_err scratch;
	int64_t minor;
	char s[32];
	int rc;

	buf_adds(&v, t);
	/* A plain number under "金额(万元)" is in 万. */
	if (c->wan && !strstr(t, "万") && !strstr(t, "亿"))
		buf_adds(&v, "万");
	rc = money_parse(v.s, &minor, &scratch);
	if (rc < 0)
		rc = money_european(v.s, &minor);
	if (rc < 0 && money_parse(t, &minor, why) == 0)
		crm_errf(why, NULL, 0, "amount '%s' is not a number", t);
	buf_free(&v);
	if (rc < 0)
		return -1;
	money_format(minor, s);
	buf_adds(out, s);
	return 0;
}

/* ---- values: the rest -------------------------------------------------- */

static int email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot;

	if (!at || at == s || strchr(at + 1, '@') ||
	    strpbrk(s, " \t\r\n,;:<>()[]\\\""))
		return 0;
	dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] && !strstr(at, "..");
}

static int conv_email(const char *t, struct buf *out, struct crm_err *why)
{
	char qb[QUOTE_MAX];

	if (!strncasecmp(t, "mailto:", 7))
		t += 7;
	if (!email_ok(t))
		return crm_errf(why, NULL, 0, "bad e-mail '%s'", quote(t, qb));
	buf_adds(out, t);
	return 0;
}

/* "1.38001E+10": Excel turned the phone number into a float and lost
 * its last digits. */
static int is_scientific(const char *t)
{
	const char *p = t;

	if (*p < '0' || *p > '9')
		return 0;
	p++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if ((*p != 'E' && *p != 'e') || p[1] != '+')
		return 0;
	for (p += 2; *p >= '0' && *p <= '9'; p++)
		;
	return !*p && p[-1] != '+';
}

static int conv_phone(const char *t, struct buf *out, struct crm_err *why)
{
	char qb[QUOTE_MAX];

	/* A leading apostrophe is how Excel users keep a leading 0. */
	if (*t == '\'')
		t++;
	if (is_scientific(t))
		return crm_errf(why, NULL, 0, "phone '%s' lost its digits in "
				"Excel (scientific notation)", quote(t, qb));
	buf_adds(out, t);
	return 0;
}

static int enum_has(const char *values, const char *key, const char **hit)
{
	char k[KEY_MAX];

	for (const char *p = values; *p;) {
		size_t len = strcspn(p, "|");

		snprintf(k, sizeof k, "%.*s", (int)len, p);
		if (*k && key_is(key, k)) {
			*hit = p;
			return (int)len;
		}
		p += len + (p[len] == '|');
	}
	return -1;
}

static const char *enum_value(const struct mcol *c, const char *key,
			      struct buf *tmp)
{
	const char *hit;
	int len;

	if ((len = enum_has(c->def->values, key, &hit)) >= 0) {
		buf_reset(tmp);
		buf_add(tmp, hit, (size_t)len);
		return tmp->s;
	}
	for (size_t i = 0; *key && i < N(enum_synonyms); i++)
		if (!strcmp(enum_synonyms[i].field, c->field) &&
		    key_is(key, enum_synonyms[i].from))
			return enum_synonyms[i].to;
	return NULL;
}

/* A status or kind: a file has few, each looked up once (c->seen). */
static int conv_enum(struct mcol *c, const char *t, struct buf *out,
		     struct crm_err *why)
{
	char key[KEY_MAX], qb[QUOTE_MAX];
	struct buf tmp = {0};
	const char *v;
	void **slot;

	norm_key(t, key, sizeof key);
	if (!c->seen)
		c->seen = strmap_new();
	slot = strmap_slot(c->seen, key);
	if (!*slot && (v = enum_value(c, key, &tmp)))
		*slot = xstrdup(v);
	buf_free(&tmp);
	if (*slot) {
		buf_adds(out, *slot);
		return 0;
	}
	return crm_errf(why, NULL, 0, "%s '%s' is not one of %s", c->field,
			quote(t, qb), c->def->values);
}

static int conv_stage(const struct import *im, const char *t,
		      struct buf *out, struct crm_err *why)
{
	char qb[QUOTE_MAX];
	const char *st;

	if (!im->pipeline) {
		buf_adds(out, t);
		return 0;
	}
	st = import_stage(im->pipeline, t, im->stage_maps, im->nstage_maps);
	if (!st)
		return crm_errf(why, NULL, 0, "stage '%s' is not in pipeline "
				"'%s': use --map-stage", quote(t, qb),
				im->pipeline->name);
	buf_adds(out, st);
	return 0;
}

/* t (cleaned, not empty) in stored form appended to out. */
static int convert(const struct import *im, struct mcol *c,
		   const char *t, struct buf *out, struct crm_err *why)
{
	switch (c->kind) {
	case K_EMAIL:
		return conv_email(t, out, why);
	case K_PHONE:
		return conv_phone(t, out, why);
	case K_MONEY:
		return conv_money(c, t, out, why);
	case K_DATE:
		return conv_date(im, t, out, why);
	case K_NUMBER:
		return conv_number(c, t, out, why);
	case K_PROBABILITY:
		return conv_probability(t, out, why);
	case K_ENUM:
		return conv_enum(c, t, out, why);
	case K_STAGE:
		return conv_stage(im, t, out, why);
	case K_TEXT:
		break;
	}
	buf_adds(out, t);
	return 0;
}

/* ---- rows -------------------------------------------------------------- */

static int starts_icase(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

/* A report's footer line (Salesforce's, and the like). */
static int is_footer_text(const char *s)
{
	size_t len = strlen(s);

	s = trim_n(s, &len);
	return starts_icase(s, "Generated By:") ||
	       starts_icase(s, "Copyright (c)") ||
	       starts_icase(s, "Copyright \xc2\xa9") ||
	       starts_icase(s, "\xc2\xa9") ||
	       starts_icase(s, "Confidential Information") ||
	       starts_icase(s, "Filtered By:");
}

/* Digits, separators, percent, currency and 万: a total's figures. */
static int is_figure(const char *s)
{
	static const char *const units[] = {
		"万", "亿", "元", "\xef\xbf\xa5", "\xc2\xa5", "\xe2\x82\xac"
	};
	size_t i;

	while (*s) {
		if (strchr("0123456789.,%+-() $", *s)) {
			s++;
			continue;
		}
		for (i = 0; i < N(units); i++)
			if (!strncmp(s, units[i], strlen(units[i])))
				break;
		if (i == N(units))
			return 0;
		s += strlen(units[i]);
	}
	return 1;
}

/* 合计 / 总计 / Total / "Grand Totals (9 records)" in the first
 * non-empty field, nothing but figures after it. */
static int is_total_row(char **f, size_t n)
{
	static const char *const words[] = {
		"合计", "总计", "小计", "total", "totals", "grandtotal", "sum"
	};
	char key[KEY_MAX];
	size_t i = 0, k;

	while (i < n && is_blank(f[i]))
		i++;
	if (i == n)
		return 0;
	norm_key(f[i], key, sizeof key);
	for (k = 0; k < N(words); k++)
		if (!strcmp(key, words[k]))
			break;
	if (k == N(words) && strncmp(key, "grandtotal", 10))
		return 0;
	for (i++; i < n; i++)
		if (!is_blank(f[i]) && !is_figure(f[i]))
			return 0;
	return 1;
}

static int is_header_again(const struct import *im, char **f, size_t n)
{
	size_t i, len;
	const char *s;

	if (n != im->nheader)
		return 0;
	for (i = 0; i < n; i++) {
		len = strlen(f[i]);
		s = trim_n(f[i], &len);
		if (len != strlen(im->header[i]) ||
		    memcmp(s, im->header[i], len))
			return 0;
	}
	return 1;
}

struct run {
	struct import *im;
	import_row_fn fn;
	void *ctx;
	long rec;
	size_t skipped;
	int footer;         /* inside a report's footer */
};

static int skip_row(struct run *r, char **f, size_t n)
{
	size_t nonblank = count_nonblank(f, n), i = 0;

	if (nonblank == 0)
		return 1;
	while (is_blank(f[i]))
		i++;
	if (nonblank == 1 && is_footer_text(f[i])) {
		r->footer = 1;
		return 1;
	}
	if (r->footer && nonblank == 1)
		return 1;
	r->footer = 0;
	return is_total_row(f, n) || is_header_again(r->im, f, n);
}

/* Does the field name a record: a name, company, person, e-mail or
 * phone? */
static int is_identity(const char *field)
{
	static const char *const fields[] = {
		"name", "company", "customer", "contact", "email", "phone"
	};

	for (size_t k = 0; k < N(fields); k++)
		if (!strcmp(field, fields[k]))
			return 1;
	return 0;
}

static int has_identity(const struct import *im)
{
	for (size_t i = 0; i < im->ncols; i++)
		if (im->cols[i].identity && *im->vals[i])
			return 1;
	return 0;
}

/* First and last name as one: "Wei Zhang", but "张伟" for 伟 + 张. */
static void join_name(struct import *im, const struct mcol *c, char **f)
{
	const char *first = im->tmp.s ? im->tmp.s : "";

	clean(f[c->src2], &im->tmp2);
	if (!*im->tmp2.s)
		return;
	if (!*first) {
		buf_adds(&im->tmp, im->tmp2.s);
	} else if (is_cjk(first) && is_cjk(im->tmp2.s)) {
		char *given = xstrdup(first);

		buf_reset(&im->tmp);
		buf_adds(&im->tmp, im->tmp2.s);
		buf_adds(&im->tmp, given);
		free(given);
	} else {
		buf_addc(&im->tmp, ' ');
		buf_adds(&im->tmp, im->tmp2.s);
	}
}

/* What exports write for "no value" in a typed column. */
static int is_placeholder(const char *t)
{
	static const char *const words[] = {
		"-", "--", "\xe2\x80\x94", "N/A", "NA", "#N/A", "null",
		"none", "无", "暂无"
	};

	if (strlen(t) > 6)
		return 0;
	for (size_t i = 0; i < N(words); i++)
		if (!strcasecmp(t, words[i]))
			return 1;
	return 0;
}

/* Column i's value into the arena; a value that can't be converted is
 * kept as cleaned and its reason goes to *bad (the first one only). */
static void value_of(struct import *im, size_t i, char **f,
		     struct crm_err *bad)
{
	struct mcol *c = &im->cols[i];
	struct crm_err why;
	size_t start = im->arena.len;

	clean(f[c->src], &im->tmp);
	if (c->src2 != UNKNOWN)
		join_name(im, c, f);
	if (c->kind != K_TEXT && is_placeholder(im->tmp.s))
		buf_reset(&im->tmp);
	if (*im->tmp.s && convert(im, c, im->tmp.s, &im->arena, &why) < 0) {
		im->arena.len = start;
		buf_adds(&im->arena, im->tmp.s);
		if (!bad->msg[0]) {
			*bad = why;
			im->bad_col = (long)c->src;
		}
	}
	im->offs[i] = start;
	buf_addc(&im->arena, '\0');
}

static void fix_values(struct import *im)
{
	for (size_t i = 0; i < im->ncols; i++)
		im->vals[i] = im->arena.s + im->offs[i];
}

/* Extra fields past the header's are harmless when empty. */
static int fits(const struct import *im, char **f, size_t n)
{
	if (n < im->nheader)
		return 0;
	for (size_t i = im->nheader; i < n; i++)
		if (!is_blank(f[i]))
			return 0;
	return 1;
}

static void build_row(struct import *im, char **f, size_t n,
		      struct import_row *row)
{
	struct crm_err bad = {0};
	size_t i;

	buf_reset(&im->arena);
	buf_reset(&im->why);
	im->bad_col = 0;
	if (!fits(im, f, n)) {
		buf_printf(&im->why, "row has %zu field%s, header has %zu", n,
			   n == 1 ? "" : "s", im->nheader);
		for (i = 0; i < im->ncols; i++) {
			im->offs[i] = im->arena.len;
			buf_addc(&im->arena, '\0');
		}
	} else {
		for (i = 0; i < im->ncols; i++)
			value_of(im, i, f, &bad);
	}
	fix_values(im);
	if (!im->why.len && !has_identity(im))
		buf_adds(&im->why, "no name, company, e-mail or phone");
	else if (!im->why.len && bad.msg[0])
		buf_adds(&im->why, bad.msg);
	row->raw = f;
	row->nraw = n;
	row->vals = im->vals;
	row->reject = im->why.len ? im->why.s : NULL;
}

/* "file:12", or "book.xlsx:Sheet1!C12" at the first bad value. */
static const char *row_where(struct import *im, long line)
{
	char cell[300];

	buf_reset(&im->where);
	if (im->xlsx) {
		xlsx_where(im->xlsx, line, im->bad_col, cell, sizeof cell);
		buf_printf(&im->where, "%s:%s", im->name, cell);
	} else {
		buf_printf(&im->where, "%s:%ld", im->name, line);
	}
	return im->where.s;
}

static int on_row(void *ctx, char **f, size_t n, long line,
		  struct crm_err *err)
{
	struct run *r = ctx;
	struct import_row row;

	if (++r->rec <= r->im->header_rec) {
		r->skipped += r->rec < r->im->header_rec;
		return 0;
	}
	f = without_ignored(r->im, f, &n);
	if (skip_row(r, f, n)) {
		r->skipped++;
		return 0;
	}
	build_row(r->im, f, n, &row);
	row.line = r->im->lines ? r->im->lines[r->rec - r->im->header_rec - 1]
				: line;
	row.where = row_where(r->im, row.line);
	return r->fn(r->ctx, &row, err);
}

/* ---- the interface ----------------------------------------------------- */

static int check_opts(const struct import_opts *o, struct crm_err *err)
{
	const char *d = o ? o->date_order : NULL;

	if (!o || !o->def)
		return crm_usagef(err, "import: no table given");
	if (d && strcmp(d, "ymd") && strcmp(d, "mdy") && strcmp(d, "dmy"))
		return crm_usagef(err, "--date-order: '%s' is not ymd, mdy or "
				  "dmy", d);
	if (o->delimiter == '"' || o->delimiter == '\r' ||
	    o->delimiter == '\n')
		return crm_usagef(err, "--delimiter: not a delimiter");
	return 0;
}

struct import *import_open(const char *path, const struct import_opts *o,
			   struct crm_err *err)
{
	struct import *im;

	if (check_opts(o, err) < 0)
		return NULL;
	im = xcalloc(1, sizeof *im);
	im->name = xstrdup(path);
	im->def = o->def;
	im->date_order = o->date_order;
	im->pipeline = o->pipeline;
	im->stage_maps = o->stage_maps;
	im->nstage_maps = o->nstage_maps;
	if (open_text(im, o->encoding, o->sheet, err) < 0 ||
	    choose_delimiter(im, o->delimiter, err) < 0 ||
	    read_header(im, err) < 0 || map_columns(im, o, err) < 0) {
		import_close(im);
		return NULL;
	}
	im->offs = xcalloc(im->ncols + 1, sizeof *im->offs);
	im->vals = xcalloc(im->ncols + 1, sizeof *im->vals);
	return im;
}

void import_close(struct import *im)
{
	if (!im)
		return;
	if (im->fp)
		fclose(im->fp);
	xlsx_close(im->xlsx);
	buf_free(&im->where);
	for (size_t i = 0; i < im->ncols; i++) {
		free(im->cols[i].source);
		free(im->cols[i].field);
		strmap_free_values(im->cols[i].seen);
	}
	free(im->cols);
	free_strings(im->header, im->nheader);
	buf_free(&im->arena);
	buf_free(&im->why);
	buf_free(&im->tmp);
	buf_free(&im->tmp2);
	free(im->offs);
	free(im->vals);
	free(im->row);
	free(im->lines);
	free(im->name);
	free(im);
}

size_t import_ncols(const struct import *im)
{
	return im->ncols;
}

const char *import_source(const struct import *im, size_t i)
{
	return i < im->ncols ? im->cols[i].source : NULL;
}

const char *import_field(const struct import *im, size_t i)
{
	return i < im->ncols ? im->cols[i].field : NULL;
}

const char *import_encoding(const struct import *im)
{
	return im->encoding;
}

const char *import_sheet(const struct import *im)
{
	return im->xlsx ? xlsx_sheet_name(im->xlsx) : NULL;
}

char import_delimiter(const struct import *im)
{
	return im->delim;
}

int import_run(struct import *im, import_row_fn fn, void *ctx,
	       size_t *skipped, struct crm_err *err)
{
	struct run r = {0};
	int rc;

	r.im = im;
	r.fn = fn;
	r.ctx = ctx;
	rc = read_rows(im, on_row, &r, err);
	if (skipped)
		*skipped = r.skipped;
	return rc;
}

/* ---- dedupe keys ------------------------------------------------------- */

void import_norm_email(const char *in, char *out, size_t n)
{
	size_t len, i;
	const char *s;

	if (!n)
		return;
	len = strlen(in ? in : "");
	s = trim_n(in ? in : "", &len);
	if (len >= 7 && !strncasecmp(s, "mailto:", 7)) {
		s += 7;
		len -= 7;
	}
	if (len > n - 1) {
		len = n - 1;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	for (i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	out[len] = '\0';
}

/* Where a phone number ends: an extension ("ext. 12", "x12", "转123",
 * "分机 8", "#8") or a second number ("; 139...", "/ 139..."). */
static int ends_number(unsigned long cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       cp == '#' || cp == ';' || cp == ',' || cp == '/' ||
	       cp == 0x3001 || cp == 0x8F6C || cp == 0x5206;
}

/* Country calling codes we strip, and whether their national numbers
 * are dialled with a leading 0 at home (+44 20... is 020... in the UK). */
static const struct {
	const char *code;
	int trunk0;
} countries[] = {
	{"852", 0}, {"853", 0}, {"886", 1}, {"86", 1}, {"1", 0}, {"44", 1},
	{"49", 1}, {"33", 1}, {"81", 1}, {"82", 1}, {"61", 1}, {"65", 0},
	{"91", 1},
};

static int is_cn_mobile(const char *d)
{
	return strlen(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

static void strip_country(const char *d, int intl, char *out, size_t n)
{
	size_t i, len;

	if (!intl && !strncmp(d, "00", 2)) {
		d += 2;
		intl = 1;
	}
	if (!intl) {
		if (strlen(d) == 13 && !strncmp(d, "86", 2) &&
		    is_cn_mobile(d + 2))
			d += 2;
		snprintf(out, n, "%s", d);
		return;
	}
	for (i = 0; i < N(countries); i++) {
		len = strlen(countries[i].code);
		if (strncmp(d, countries[i].code, len) || !d[len])
			continue;
		d += len;
		snprintf(out, n, "%s%s", countries[i].trunk0 && *d != '0' &&
			 !(len == 2 && !strcmp(countries[i].code, "86") &&
			   is_cn_mobile(d)) ? "0" : "", d);
		return;
	}
	snprintf(out, n, "%s", d);
}

void import_norm_phone(const char *in, char *out, size_t n)
{
	char d[DIGITS_MAX];
	const char *p = in ? in : "";
	unsigned long cp;
	size_t k = 0;
	int plus = 0;

	if (!n)
		return;
	while (*p) {
		cp = fold_width(take_cp(&p));
		if (cp >= '0' && cp <= '9') {
			if (k < sizeof d - 1)
				d[k++] = (char)cp;
		} else if (!k && cp == '+') {
			plus = 1;
		} else if (k && ends_number(cp)) {
			break;
		}
	}
	d[k] = '\0';
	strip_country(d, plus, out, n);
}

/* ---- stages ------------------------------------------------------------ */

static const char *stage_by_key(const struct pipeline *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (key_is(key, p->stages[i]->name))
			return p->stages[i]->name;
	return NULL;
}

static int stage_means(const char *name, enum stage_role role)
{
	char key[KEY_MAX];

	norm_key(name, key, sizeof key);
	if (key_is(key, stage_role_names[role]))
		return 1;
	for (size_t i = 0; i < N(stage_synonyms); i++)
		if (stage_synonyms[i].role == role &&
		    key_is(key, stage_synonyms[i].name))
			return 1;
	return 0;
}

static const char *stage_for(const struct pipeline *p, enum stage_role role)
{
	const struct stage *st = NULL;

	if (role == S_WON)
		st = pipeline_won(p);
	else if (role == S_LOST)
		st = pipeline_lost(p);
	else if (role == S_FIRST)
		st = pipeline_first(p);
	if (st)
		return st->name;
	for (size_t i = 0; i < p->n; i++)
		if (stage_is_open(p->stages[i]) &&
		    stage_means(p->stages[i]->name, role))
			return p->stages[i]->name;
	return NULL;
}

/* "Closed Won=won": the stage, when the pair's source is raw's key. */
static const char *mapped_stage(const struct pipeline *p, const char *key,
				const char *map)
{
	const char *eq = strrchr(map, '=');
	char src[KEY_MAX], *name;
	const char *st;
	size_t len;

	if (!eq)
		return NULL;
	name = xstrndup(map, (size_t)(eq - map));
	norm_key(name, src, sizeof src);
	free(name);
	if (strcmp(src, key))
		return NULL;
	len = strlen(eq + 1);
	name = xstrndup(trim_n(eq + 1, &len), len);
	st = pipeline_stage(p, name) ? pipeline_stage(p, name)->name : NULL;
	if (!st) {
		norm_key(name, src, sizeof src);
		st = stage_by_key(p, src);
	}
	free(name);
	return st ? st : "";
}

const char *import_stage(const struct pipeline *p, const char *raw,
			 const char *const *maps, size_t nmaps)
{
	char key[KEY_MAX];
	const char *st;
	size_t i;

	if (!p || !raw)
		return NULL;
	norm_key(raw, key, sizeof key);
	if (!*key)
		return NULL;
	for (i = 0; i < nmaps; i++)
		if ((st = mapped_stage(p, key, maps[i])))
			return *st ? st : NULL;
	if ((st = stage_by_key(p, key)))
		return st;
	for (i = 0; i < N(stage_synonyms); i++)
		if (key_is(key, stage_synonyms[i].name))
			return stage_for(p, stage_synonyms[i].role);
	return NULL;
}

char *const *import_header(const struct import *im, size_t *n)
{
	*n = im->nheader;
	return im->header;
}
