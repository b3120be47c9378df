#!/usr/bin/env python3
"""gen-examples.py - write the example data directory, data-examples/.

Usage:  python3 tests/gen-examples.py data-examples

The example is the sales team of a fictional Shanghai company, 星河数智 /
Galaxy Data Tech, which sells a data-platform SaaS (DataHub) and the
implementation services around it to Chinese and foreign customers.  The
data covers 2025-11 .. 2026-03 and is meant to be read with today pinned
to 2026-03-02 (CRM_TODAY=2026-03-02 or --today 2026-03-02): nothing that
has happened is dated later; only planned things are (next follow-ups,
expected close dates, contract ends, payment plan due dates).

The team moved from a spreadsheet to crm on 2025-06-16, so the records
imported that day (older customers, running contracts and their payment
plans) carry that creation date, and contracts signed before it.

Standard library only and deterministic: one fixed random seed, no
iteration over sets, no clock.  Running it twice writes the same bytes.
The directory written holds crm.conf (crm init's default, the
conf_default_text of lib/conf.c, with this team's owners, addresses and
rules: keep CONF below in step when that default changes), the six CSV
tables (fixed columns in the order of lib/schema.c, then custom columns:
customers get "employees" and "wechat_group", opportunities
"competitor"; sorted by id), the two logs, history.jsonl and
activities.jsonl (each sorted by time), and README.md, the story.

Everything is referentially consistent: every reference resolves, a
deal's contact belongs to its customer, every deal's stage is the last
stage of its history, payment plan lines add up to their contract,
last_contact is the day of the record's newest activity, and every
changed field's last history value is its current value.
"""

import csv
import json
import math
import os
import random
import re
import sys
import textwrap
from datetime import date, datetime, timedelta

SEED = 20260302
TODAY = date(2026, 3, 2)
IMPORT_DAY = date(2025, 6, 16)
OPP_FIRST = date(2025, 11, 1)
OPP_LAST = date(2026, 2, 25)

rng = random.Random(SEED)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
OWNERS = ["alice", "bob", "chen", "dana", "erik"]

STAGES = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
ORDER = {s: i for i, s in enumerate(STAGES)}
ROT = {"lead": 14, "qualified": 14, "proposal": 10, "negotiation": 7}
CLOSED = ("won", "lost")

# ---- crm.conf -------------------------------------------------------------

# crm init's default configuration (conf_default_text in lib/conf.c) with
# this team's owners, mail addresses, scoring and assignment rules.
CONF = r"""# crm.conf - the settings of this crm data directory: the sales
# team of 星河数智 / Galaxy Data Tech, Shanghai (the example data
# of crm; written by tests/gen-examples.py from crm init's default).
#
# The syntax is git's config format: "[section]" and
# [section "name"] headers, each followed by "key = value"
# lines.  Section and key names ignore case; a name in quotes
# does not.  '#' and ';' start a comment.  Put a value in
# double quotes to keep spaces at its ends or a '#' or ';' in
# it.  Inside a value write a double quote as \" and a
# backslash as \\; a backslash at the very end of a line
# continues the value on the next line.  Keys such as "rule"
# may be repeated: every line counts, in order.
#
# Edit this file to fit how your team sells, then run
# "crm check".

# ---- general -----------------------------------------------

[crm]
	# ISO 4217 code of the currency every amount is in.  Deals
	# and contracts with foreign customers name theirs (USD, EUR)
	# in their currency column.
	currency = CNY

# ---- pipelines ---------------------------------------------
#
# A pipeline is the stages an opportunity moves through, in
# order, by the names of the [stage "..."] sections below.

[pipeline "new-business"]	# the first pipeline is the default
	stages = lead qualified proposal negotiation won lost

# ---- stages ------------------------------------------------
#
# One [stage "name"] a stage.  Call stages what your team
# calls them, Chinese names too: [stage "报价"].
#
#   order        position in reports, 1 first
#   probability  chance of winning in percent, for the
#                weighted forecast
#   rot-days     a deal with no activity for this many days
#                in this stage is stale, and crm-remind says
#                so; 0 or unset: never
#   forecast     forecast category: pipeline, best-case,
#                commit, closed or omitted
#   won, lost    true on the stages that close a deal

[stage "lead"]
	order = 1
	probability = 10
	rot-days = 14
	forecast = pipeline

[stage "qualified"]
	order = 2
	probability = 20
	rot-days = 14
	forecast = pipeline

[stage "proposal"]
	order = 3
	probability = 50
	rot-days = 10
	forecast = best-case

[stage "negotiation"]
	order = 4
	probability = 75
	rot-days = 7
	forecast = commit

[stage "won"]
	order = 5
	probability = 100
	won = true
	forecast = closed

[stage "lost"]
	order = 6
	probability = 0
	lost = true
	forecast = omitted

# ---- owners ------------------------------------------------
#
# Everyone who owns leads, customers and opportunities.  The
# name in quotes is what the owner columns hold and what
# --user or $CRM_USER say; email is where that owner's
# reminders are mailed.

[owner "alice"]	# key accounts, Shanghai and East China
	name = Alice Wang / 王丽
	email = alice@galaxy-data.example

[owner "bob"]	# North China, logistics and retail
	name = Bob Li / 李博
	email = bob@galaxy-data.example

[owner "chen"]	# Jiangsu and Zhejiang, SMB
	name = 陈晨 / Chen Chen
	email = chen@galaxy-data.example

[owner "dana"]	# South China, Japan and Korea; inside sales
	name = Dana Zhou / 周丹
	email = dana@galaxy-data.example

[owner "erik"]	# international accounts (Europe, US, SEA)
	name = Erik Larsson
	email = erik@galaxy-data.example

# ---- public pool (公海) ------------------------------------
#
# A customer without an owner is in the public pool, for
# anyone to claim (crm-cust claim).  "crm-cust reclaim", run
# daily from cron, returns an owned customer to the pool when
# nobody has followed it up for "contact-days" days, or it
# has had no won deal for "deal-days" days (0: never); a
# tier may have its own: [tier "A"] pool-contact-days.  A
# locked customer (crm-cust lock), or one with an open deal
# at "protect-stage" or later, stays.  Its owner is warned
# "notify-days" days before.  Nobody may hold more than
# "claim-limit" customers (0: no limit), nor claim back one
# the pool took from them for "reclaim-block-days" days.

[pool]
	contact-days = 30
	deal-days = 0
	notify-days = 7
	claim-limit = 12
	reclaim-block-days = 30
	protect-stage = negotiation

# ---- reminders ---------------------------------------------
#
# What crm-remind reports, and how it mails each owner their
# list (crm-remind --format mail --send, e.g. daily from cron).

[remind]
	# Sender of the reminder mails.
	from = crm@galaxy-data.example
	# Command that sends one mail, given the whole message
	# (headers included) on standard input.
	sendmail = /usr/sbin/sendmail -i
	# Who gets the summary of every owner's overdue items.
	manager = vp-sales@galaxy-data.example
	# A new lead nobody has touched for this many hours is
	# reported.
	new-lead-hours = 24
	# A contract is reported this many days before it ends,
	# for renewal.
	renewal-days = 60
	# A payment is reported this many days before it is due
	# (回款), and every day once it is overdue.
	payment-days = 7

# ---- customer tiers ----------------------------------------
#
# Customers are ranked by revenue and tiered by Pareto cut
# points in percent of total revenue: tier A is the top
# customers that together make the first "a" percent, tier B
# the next "b" percent, tier C the rest, by won revenue of
# the last 12 months: "crm-cust tier" writes the tier column.

[tiers]
	a = 80
	b = 15

# How often each tier must be revisited (回访): crm-remind
# reports a customer nobody has contacted for longer.

[tier "A"]
	revisit-days = 30

[tier "B"]
	revisit-days = 60

[tier "C"]
	revisit-days = 90

# ---- lead scoring ------------------------------------------
#
# [score "NAME"] when = EXPR, points = N
#
# A lead's score is the sum of the points (negative ones too)
# of every rule whose jq expression is true for it.  The
# expression sees the lead as the JSON object of its row:
# .name .company .title .email .phone .source and so on,
# custom columns included; an empty text field is "", an
# empty amount or number is null.  Values are kept as
# written, so jq reads them as you type them.

[score "has-email"]
	when = .email != ""
	points = 20
[score "has-phone"]
	when = .phone != ""
	points = 10
[score "referral"]
	when = .source == "referral"
	points = 30
[score "decision-maker"]
	when = .title | test("CEO|CTO|CIO|VP|Head|总|主任")
	points = 15
# Trade shows bring this team its best leads.
[score "trade-show"]
	when = .source == "展会" or .source == "trade-show"
	points = 10
# People without a company are mostly students and job seekers.
[score "no-company"]
	when = .company == ""
	points = -20

# ---- lead assignment ---------------------------------------
#
# [assign "NAME"] when = EXPR, owners = A B ..., cap = N
#
# crm-lead assign --rules gives a lead to the owners of the
# first rule whose expression is true for it, in turn, skipping
# an owner who already has cap open leads.

# Japanese and Korean leads to Dana, other foreign ones (a
# phone number with a country code) to Erik, trade-show leads
# to Bob, the rest in turn to Alice and Chen.
[assign "japan-korea"]
	when = .phone | startswith("+81") or startswith("+82")
	owners = dana
[assign "abroad"]
	when = .phone | startswith("+")
	owners = erik
[assign "trade-show"]
	when = .source == "展会" or .source == "trade-show"
	owners = bob
	cap = 50
[assign "everyone"]
	when = true
	owners = alice chen
"""

# ---- fixed columns (lib/schema.c) and custom ones --------------------------

COLS = {
    "customers": ["id", "name", "kind", "owner", "tier", "tags", "industry",
                  "source", "phone", "email", "website", "address", "city",
                  "country", "next_date", "next_action", "last_contact",
                  "created", "updated", "employees", "wechat_group"],
    "contacts": ["id", "customer", "name", "title", "email", "phone",
                 "wechat", "primary", "created", "updated"],
    "leads": ["id", "name", "company", "title", "email", "phone", "source",
              "status", "score", "owner", "amount", "next_date",
              "next_action", "last_contact", "customer", "opportunity",
              "reason", "created", "updated"],
    "opportunities": ["id", "name", "customer", "contact", "owner",
                      "pipeline", "stage", "amount", "currency",
                      "probability", "close", "source", "next_date",
                      "next_action", "last_contact", "reason", "created",
                      "closed", "updated", "competitor"],
    "contracts": ["id", "customer", "opportunity", "title", "amount",
                  "currency", "signed", "start", "end", "renewal", "status",
                  "owner", "created", "updated"],
    "payments": ["id", "contract", "customer", "kind", "plan", "date",
                 "amount", "currency", "method", "note", "created",
                 "updated"],
}
# ---- small helpers -------------------------------------------------------

_ids = set()


def new_id(letter):
    """A fresh id: letter, '-', 8 Crockford base32 characters."""
    while True:
        s = letter + "-" + "".join(rng.choice(CROCKFORD) for _ in range(8))
        if s not in _ids:
            _ids.add(s)
            return s


def ds(d):
    return d.isoformat() if d else ""


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def rand_date(a, b):
    if b < a:
        b = a
    return a + timedelta(days=rng.randint(0, (b - a).days))


def days(n):
    return timedelta(days=n)


def at_on(d, lo=9, hi=18):
    """A working-hours time on day d."""
    return datetime(d.year, d.month, d.day, rng.randint(lo, hi),
                    rng.randint(0, 59))


def after(prev, d, lo=9, hi=18):
    """A time on day d strictly after prev (prev may be None)."""
    t = at_on(d, lo, hi)
    if prev is not None and t <= prev:
        t = prev + timedelta(minutes=rng.randint(3, 25))
    assert t.date() == d, (prev, d)
    return t


def money(cents):
    if cents % 100:
        return "%d.%02d" % (cents // 100, cents % 100)
    return str(cents // 100)


HIST = []
ACTS = []


def hist(t, by, entity, rid, field, frm, to):
    assert by in OWNERS and t.date() <= TODAY
    HIST.append((t, len(HIST), {"at": ts(t), "by": by, "entity": entity,
                                "id": rid, "field": field, "from": frm,
                                "to": to}))


def act(t, by, entity, rid, typ, text, nxt=None, action=None):
    assert by in OWNERS and t.date() <= TODAY
    o = {"at": ts(t), "by": by, "entity": entity, "id": rid, "type": typ,
         "text": text}
    if nxt:
        o["next"] = ds(nxt)
    if action:
        o["action"] = action
    ACTS.append((t, len(ACTS), o))


# ---- customers -------------------------------------------------------------
#
# name|kind|tier|tags|industry|source|city|country|locale|domain|phone|email|
# address|employees|wechat_group|owner|former owner (pool)|imported

CUSTOMER_SPEC = """\
上海晨曦精密机械有限公司|company|A|vip manufacturing|制造业|展会|上海|CN|zh|chenxi-precision.example|021-57781200|info@chenxi-precision.example|上海市闵行区莘庄工业区春东路 508 号|1800|星河×晨曦 数据中台项目群|alice||y
北京云帆物流科技有限公司|company|A|logistics key-account|物流|referral|北京|CN|zh|yunfan-logistics.example|010-84761234|bd@yunfan-logistics.example|北京市朝阳区望京街 9 号, 望京国际商业中心 B 座 12 层|950|云帆-星河对接群|bob||y
深圳星链电子股份有限公司|company|A|vip electronics listed|电子制造|trade-show|深圳|CN|zh|xinglian-elec.example|0755-26681888|ir@xinglian-elec.example|深圳市南山区高新南七道 18 号|5200||alice||y
杭州青禾电子商务有限公司|company|B|ecommerce renewal|电子商务|官网|杭州|CN|zh|qinghe-ec.example|0571-88216600|contact@qinghe-ec.example|杭州市余杭区文一西路 998 号海创园 5 号楼|430|青禾数据组|chen||y
苏州恒润纺织集团有限公司|company|B|manufacturing textile|纺织|cold-call|苏州|CN|zh|hengrun-textile.example|0512-63512888|office@hengrun-textile.example|苏州市吴江区盛泽镇市场东路 73 号|3100||chen||y
成都蜀味餐饮管理有限公司|company|C|catering churn-risk|餐饮|website|成都|CN|zh|shuwei-food.example|028-86671234|service@shuwei-food.example|成都市锦江区红星路三段 1 号|2600|||bob|y
广州南粤医药连锁有限公司|company|B|pharma retail|医药零售|partner|广州|CN|zh|nanyue-pharma.example|020-38771122|it@nanyue-pharma.example|广州市天河区天河北路 233 号中信广场 45 楼|7800|南粤医药 BI 项目|dana||
南京金陵智造科技有限公司|company|C|manufacturing smb|智能制造|展会|南京|CN|zh|jinling-zhizao.example|025-52346789|hr@jinling-zhizao.example|南京市江宁区秣周东路 12 号|260||chen||
武汉长江新能源汽车零部件有限公司|company|B|automotive ev|汽车零部件|trade-show|武汉|CN|zh|cj-nev-parts.example|027-84556600|purchase@cj-nev-parts.example|武汉市经开区车城南路 66 号|1500||bob||
上海浦岸村镇银行股份有限公司|company|A|finance vip compliance|银行|referral|上海|CN|zh|puan-bank.example|021-50987700|office@puan-bank.example|上海市浦东新区世纪大道 1600 号, 陆家嘴商务广场 18 楼|620|浦岸银行-数据治理|alice||y
天津海港国际货运代理有限公司|company|C|logistics|货运代理|cold-call|天津|CN|zh|haigang-freight.example|022-25761234|ops@haigang-freight.example|天津市滨海新区新港二号路 35 号|180||bob||
西安秦川航空材料有限公司|company|B|manufacturing aerospace soe|航空材料|partner|西安|CN|zh|qinchuan-aero.example|029-86123456|xxzx@qinchuan-aero.example|西安市阎良区航空城大道 8 号|2200||dana||y
厦门鹭岛旅游集团有限公司|company|C|tourism|旅游|官网|厦门|CN|zh|ludao-travel.example|0592-5123456|info@ludao-travel.example|厦门市思明区鹭江道 2 号|900|||dana|y
宁波东海塑业有限公司|company|C|manufacturing smb|塑料制品|cold-call|宁波|CN|zh|donghai-plastics.example|0574-86881234|sales@donghai-plastics.example|宁波市北仑区大碶街道庐山西路 9 号|340|||chen|y
青岛蓝湾海洋食品有限公司|company|B|food export|食品加工|展会|青岛|CN|zh|lanwan-seafood.example|0532-86991234|export@lanwan-seafood.example|青岛市黄岛区前湾港路 579 号|1100|蓝湾 x 星河|dana||y
上海明德教育科技有限公司|company|C|education saas|教育科技|website|上海|CN|zh|mingde-edu.example|021-64381234|hello@mingde-edu.example|上海市徐汇区漕溪北路 88 号圣爱大厦 16 楼|150||chen||
重庆山城智慧物业服务有限公司|company|C|property|物业服务|referral|重庆|CN|zh|shancheng-wuye.example|023-63891234|kefu@shancheng-wuye.example|重庆市渝中区民族路 188 号|4300||dana||
合肥启明半导体有限公司|company|A|semiconductor vip|半导体|partner|合肥|CN|zh|qiming-semi.example|0551-65321234|it@qiming-semi.example|合肥市高新区创新大道 2800 号|1300|启明半导体数据平台|alice||
长沙湘江传媒有限公司|company|C|media|传媒|展会|长沙|CN|zh|xiangjiang-media.example|0731-84561234|ad@xiangjiang-media.example|长沙市开福区芙蓉中路一段 442 号|520|||bob|y
深圳前海跨境支付有限公司|company|B|fintech compliance|金融科技|website|深圳|CN|zh|qianhai-pay.example|0755-86961234|tech@qianhai-pay.example|深圳市前海深港合作区前湾一路 1 号 A 栋|380|前海支付-星河|bob||
杭州"绿源"环保科技有限公司|company|C|environmental|环保|官网|杭州|CN|zh|lvyuan-env.example|0571-86012345|lvyuan@lvyuan-env.example|杭州市西湖区西园八路 2 号|210||chen||
苏州工业园区华纳生物医药有限公司|company|B|biotech gmp|生物医药|trade-show|苏州|CN|zh|huana-bio.example|0512-62881234|qa@huana-bio.example|苏州工业园区星湖街 218 号生物纳米园 B2 楼|640||dana||
上海申通达连锁超市有限公司（浦东分公司）|company|B|retail|零售|cold-call|上海|CN|zh|shentongda-mart.example|021-58301234|pd@shentongda-mart.example|上海市浦东新区东方路 1365 号|3600||bob||
Müller, Schmidt & Partner GmbH|company|B|consulting partner-channel|consulting|partner|München|DE|de|msp-consult.example|+49 89 2180 4470|office@msp-consult.example|Leopoldstraße 244, 80807 München|120||erik||
Kessler Automotive Systems (Taicang) Co., Ltd.|company|A|automotive german vip|汽车零部件|trade-show|苏州|CN|de+zh|kessler-auto.example|0512-53571200|it.taicang@kessler-auto.example|太仓市经济开发区青岛西路 11 号|850|Kessler Taicang data team|erik||y
Nordhafen Logistik AG|company|B|logistics|logistics|website|Hamburg|DE|de|nordhafen.example|+49 40 3008 1290|info@nordhafen.example|Am Sandtorkai 50, 20457 Hamburg|2100||erik||
Bluewater Retail Inc.|company|A|retail renewal|retail|trade-show|Seattle|US|en|bluewater-retail.example|+1 206 555 0143|it-procurement@bluewater-retail.example|1200 Pine St, Seattle, WA 98101|9400||erik||y
O'Brien & Hale Analytics LLC|company|C|consulting|consulting|referral|Boston|US|en|obrien-hale.example|+1 617 555 0188|hello@obrien-hale.example|75 State St, Boston, MA 02109|45||erik||
Sakura Precision Co., Ltd.|company|A|manufacturing japan renewal|精密加工|展会|大阪|JP|ja|sakura-precision.example|+81 6 6345 1200|info@sakura-precision.example|大阪府大阪市北区梅田 3-1-3|3800||dana||y
Tanaka Foods K.K.|company|C|food japan|food|trade-show|東京|JP|ja|tanaka-foods.example|+81 3 5412 7788|contact@tanaka-foods.example|東京都港区芝浦 1-2-3|700|||dana|y
Kelly's Fresh Foods Pte. Ltd.|company|B|food retail sea|food retail|website|Singapore|SG|sg|kellys-fresh.example|+65 6221 4410|ops@kellys-fresh.example|10 Anson Road, #21-02 International Plaza, Singapore 079903|310||erik||
Lion City Logistics Pte Ltd|company|C|logistics sea|logistics|partner|Singapore|SG|sg|lioncity-log.example|+65 6559 8120|enquiry@lioncity-log.example|2 Changi South Lane, Singapore 486123|560||erik||
Hanbit Cosmetics Co., Ltd.|company|B|beauty korea|cosmetics|trade-show|Seoul|KR|ko|hanbit-cosmetics.example|+82 2 3453 7700|global@hanbit-cosmetics.example|서울특별시 강남구 테헤란로 152|1250||dana||
Aurora Medical Devices (Shanghai) Co., Ltd.|company|B|medtech foreign-invested|医疗器械|referral|上海|CN|en+zh|aurora-med.example|021-50801234|china.it@aurora-med.example|上海市浦东新区张江路 1188 号 3 号楼|480|Aurora x Galaxy|alice||
Van der Berg Agritech B.V.|company|C|agriculture|agritech|website|Rotterdam|NL|nl|vdberg-agri.example|+31 10 412 3300|info@vdberg-agri.example|Wilhelminakade 91, 3072 AP Rotterdam|95||erik||
上海汇金供应链管理有限公司|company|B|supply-chain|供应链|referral|上海|CN|zh|huijin-scm.example|021-63561234|it@huijin-scm.example|上海市黄浦区中山东二路 600 号, 外滩金融中心 N1 栋|290||bob||
北京智远医疗信息技术有限公司|company|B|healthcare it|医疗信息化|partner|北京|CN|zh|zhiyuan-med.example|010-62981234|bd@zhiyuan-med.example|北京市海淀区中关村大街 27 号|410||dana||
张伟|person||consultant|独立顾问|referral|上海|CN|zh||13816652231|zhangwei.bi@mail.example|上海市长宁区仙霞路 99 号|||chen||
李娜|person|C||个体电商|官网|广州|CN|zh||13925018876|lina.shop@mail.example|广州市白云区机场路 111 号||||alice|y
Michael Brown|person||freelance|data consultant|website|Austin|US|en||+1 512 555 0176|mike@brown-consulting.example|401 Congress Ave, Austin, TX 78701|||erik||
王建国|person|C|老客户|经销商|展会|温州|CN|zh||13757731234|wjg1968@mail.example|温州市鹿城区人民路 45 号|||bob||
"""

CUSTOMERS = []


def load_customers():
    for line in CUSTOMER_SPEC.splitlines():
        f = line.split("|")
        assert len(f) == 18, line
        (name, kind, tier, tags, industry, source, city, country, loc,
         domain, phone, email, address, employees, wechat_group, owner,
         prev, imported) = f
        c = {"id": new_id("C"), "name": name, "kind": kind, "owner": owner,
             "tier": tier, "tags": tags, "industry": industry,
             "source": source, "phone": phone, "email": email,
             "website": "https://www." + domain if domain else "",
             "address": address, "city": city, "country": country,
             "next_date": "", "next_action": "", "last_contact": "",
             "employees": employees, "wechat_group": wechat_group,
             "_loc": loc, "_domain": domain, "_prev": prev,
             "_imported": imported == "y", "_opps": [], "_contacts": []}
        if c["_imported"]:
            c["_created"] = IMPORT_DAY
        else:
            c["_created"] = rand_date(date(2025, 7, 1), date(2026, 2, 10))
        c["_by"] = owner or prev
        CUSTOMERS.append(c)


def cust_named(prefix):
    for c in CUSTOMERS:
        if c["name"].startswith(prefix):
            return c
    raise KeyError(prefix)


# ---- contacts ------------------------------------------------------------

SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"),
            ("陈", "chen"), ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"),
            ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"),
            ("朱", "zhu"), ("马", "ma"), ("胡", "hu"), ("郭", "guo"),
            ("林", "lin"), ("何", "he"), ("高", "gao"), ("罗", "luo"),
            ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
            ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"),
            ("曹", "cao"), ("彭", "peng"), ("蒋", "jiang"), ("沈", "shen")]
GIVEN = [("伟", "wei"), ("芳", "fang"), ("敏", "min"), ("静", "jing"),
         ("磊", "lei"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"),
         ("军", "jun"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
         ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("霞", "xia"),
         ("平", "ping"), ("刚", "gang"), ("建华", "jianhua"),
         ("晓东", "xiaodong"), ("海燕", "haiyan"), ("志强", "zhiqiang"),
         ("雪梅", "xuemei"), ("文博", "wenbo"), ("思远", "siyuan"),
         ("佳怡", "jiayi"), ("子涵", "zihan"), ("宇航", "yuhang"),
         ("嘉欣", "jiaxin"), ("立新", "lixin"), ("婷婷", "tingting"),
         ("国强", "guoqiang")]
FOREIGN = {
    "de": [("Klaus Becker", "klaus.becker"),
           ("Anna Schneider", "anna.schneider"),
           ("Jürgen Hoffmann", "juergen.hoffmann"),
           ("Stefan Wagner", "stefan.wagner"),
           ("Katrin Vogel", "katrin.vogel"),
           ("Matthias Krüger", "matthias.krueger"),
           ("Sabine Wolf", "sabine.wolf")],
    "en": [("Jennifer Miller", "jennifer.miller"),
           ("David O'Connor", "david.oconnor"),
           ("Sarah Johnson", "sarah.johnson"),
           ("Kevin Park", "kevin.park"), ("Emily Davis", "emily.davis"),
           ("Mark Thompson", "mark.thompson")],
    "ja": [("佐藤 健一", "k.sato"), ("鈴木 美咲", "m.suzuki"),
           ("高橋 誠", "m.takahashi"), ("田中 裕子", "y.tanaka"),
           ("渡辺 翔太", "s.watanabe")],
    "sg": [("Tan Wei Ming", "weiming.tan"), ("Priya Nair", "priya.nair"),
           ("Lim Hui Ling", "huiling.lim"), ("Daniel Ong", "daniel.ong"),
           ("Siti Rahman", "siti.rahman")],
    "ko": [("김민수", "minsu.kim"), ("이서연", "seoyeon.lee"),
           ("박지훈", "jihoon.park")],
    "nl": [("Pieter van Dijk", "pieter.vandijk"),
           ("Sanne de Vries", "sanne.devries")],
}
TITLES = {
    "zh": (["总经理", "副总经理", "CIO", "信息中心主任", "IT 总监",
            "数字化转型负责人", "财务总监"],
           ["采购经理", "数据分析主管", "IT 经理", "项目经理", "运营总监",
            "生产总监", "财务经理", "BI 工程师"]),
    "de": (["Geschäftsführer", "Head of IT", "CFO"],
           ["Einkaufsleiter", "IT-Leiter", "Data Analyst"]),
    "en": (["CTO", "VP Operations", "Head of IT", "CFO"],
           ["Procurement Manager", "Data & Analytics Lead", "IT Manager",
            "BI Developer"]),
    "ja": (["情報システム部長", "取締役 CIO"], ["購買部 課長", "経営企画部 主任"]),
    "ko": (["CIO", "데이터팀장"], ["구매팀 과장", "IT 매니저"]),
}
TITLES["sg"] = TITLES["en"]
TITLES["nl"] = TITLES["en"]
FIRST_CONTACT = {"O'Brien & Hale Analytics LLC":
                 ('Robert "Bob" Hale', "bob.hale", "Managing Partner")}

CONTACTS = []
_zh_names = []


def zh_name():
    """A Chinese name not used yet, with its pinyin."""
    while True:
        s, sp = rng.choice(SURNAMES)
        g, gp = rng.choice(GIVEN)
        if s + g not in _zh_names:
            _zh_names.append(s + g)
            return s + g, sp, gp


def mobile(country):
    r = rng.randint
    if country == "CN":
        return "1%s%d%08d" % (rng.choice("3589"), r(0, 9), r(0, 99999999))
    return {
        "DE": "+49 1%d%d %d %d" % (r(5, 7), r(0, 9), r(1000, 9999),
                                    r(1000, 9999)),
        "US": "+1 %d 555 01%02d" % (rng.choice([206, 617, 512, 415]),
                                    r(0, 99)),
        "JP": "+81 90 %04d %04d" % (r(0, 9999), r(0, 9999)),
        "SG": "+65 9%03d %04d" % (r(0, 999), r(0, 9999)),
        "KR": "+82 10 %04d %04d" % (r(0, 9999), r(0, 9999)),
        "NL": "+31 6 %04d %04d" % (r(0, 9999), r(0, 9999)),
    }[country]


def make_contact(c, primary, when):
    locs = c["_loc"].split("+")
    loc = locs[0] if primary or len(locs) == 1 else locs[1]
    senior, other = TITLES[loc]
    title = rng.choice(senior if primary else other)
    wechat = ""
    if primary and c["name"] in FIRST_CONTACT:
        name, local, title = FIRST_CONTACT[c["name"]]
        email = local + "@" + c["_domain"]
        phone = mobile(c["country"])
    elif loc == "zh":
        name, sp, gp = zh_name()
        email = "%s.%s@%s" % (gp, sp, c["_domain"]) if rng.random() < .6 \
            else "%s%s@%s" % (sp, gp, c["_domain"])
        phone = mobile("CN") if rng.random() < .8 else c["phone"]
        if rng.random() < .75:
            wechat = rng.choice(["%s%s%d" % (sp, gp, rng.randint(1, 999)),
                                 "wxid_" + "".join(rng.choice(
                                     "abcdefghjkmnpqrstuvwxyz0123456789")
                                     for _ in range(10)),
                                 "%s_%s" % (gp, c["city"] == "上海" and "sh"
                                            or sp)])
    else:
        name, local = FOREIGN[loc].pop(rng.randrange(len(FOREIGN[loc])))
        email = local + "@" + c["_domain"]
        country = "CN" if c["country"] == "CN" else c["country"]
        phone = mobile(country) if rng.random() < .7 else c["phone"]
        if c["country"] == "CN" and rng.random() < .6:
            wechat = local.replace(".", "_")
    p = {"id": new_id("P"), "customer": c["id"], "name": name,
         "title": title, "email": email, "phone": phone, "wechat": wechat,
         "primary": "yes" if primary else "no", "_created": when,
         "_by": c["_by"], "_cust": c}
    CONTACTS.append(p)
    c["_contacts"].append(p)
    return p


def make_contacts():
    for c in CUSTOMERS:
        if c["kind"] != "company":
            continue
        n = {"A": rng.choice([2, 3, 3]), "B": rng.choice([2, 2, 3]),
             "C": rng.choice([1, 2, 2])}.get(c["tier"], 2)
        make_contact(c, True, c["_created"])
        for _ in range(n - 1):
            when = min(c["_created"] + days(rng.randint(0, 60)),
                       TODAY - days(1))
            make_contact(c, False, when)


# ---- opportunities ---------------------------------------------------------

SUB, SVC = "sub", "svc"
PRODUCTS = {
    "zh": [("数据中台一期 / Data platform phase 1", SUB), ("数据中台二期", SUB),
           ("BI 升级", SVC), ("实时数仓建设", SVC), ("主数据管理 (MDM) 项目", SVC),
           ("数据治理咨询", SVC), ("DataHub 企业版订阅", SUB),
           ("经营分析驾驶舱", SVC), ("供应链数据可视化", SVC),
           ("数据安全合规审计", SVC), ("私有化部署 + 三年维保", SUB),
           ("用户行为分析平台", SUB), ("驻场实施服务 200 人天", SVC),
           ("指标平台建设", SVC), ("AI 销量预测试点", SVC),
           ("BI 自助分析培训", SVC)],
    "en": [("Data platform phase 1", SUB), ("BI upgrade", SVC),
           ("DataHub Enterprise subscription", SUB),
           ("Customer 360 analytics", SUB), ("Demand forecasting pilot", SVC),
           ("Data governance assessment", SVC),
           ("Real-time warehouse PoC", SVC), ("Supply chain dashboard", SVC),
           ("Implementation services, 120 man-days", SVC)],
    "person": [("DataHub 团队版订阅", SUB), ("数据分析顾问服务包", SVC),
               ("BI 报表定制开发", SVC)],
}
SOURCES = ["referral", "website", "trade-show", "cold-call", "partner",
           "展会", "官网", "webinar"]
COMPETITORS = ["云图数据", "蓝鲸分析", "Snowpeak", "自研 / in-house",
               "数擎科技", "ClearLake BI"]
LOSS_REASONS = ["价格太高"] * 5 + ["lost to competitor"] * 5 + \
    ["no budget"] * 4 + ["项目取消"] * 3 + ["no decision"] * 3

# When a deal reached the stage it is in now (for won and lost: closed).
END_RANGE = {
    "lead": (date(2026, 1, 15), OPP_LAST),
    "qualified": (date(2026, 1, 5), date(2026, 2, 27)),
    "proposal": (date(2025, 12, 20), date(2026, 2, 27)),
    "negotiation": (date(2026, 1, 10), date(2026, 2, 28)),
    "won": (date(2025, 12, 1), date(2026, 2, 28)),
    "lost": (date(2025, 11, 12), TODAY),
}
DWELL = {"lead": (2, 18), "qualified": (4, 24), "proposal": (5, 28),
         "negotiation": (4, 21)}

L, Q, P, N, W, X = ("lead", "qualified", "proposal", "negotiation", "won",
                    "lost")
PATH_PLAN = (
    [[L]] * 20 +
    [[L, Q]] * 17 + [[Q]] * 3 +
    [[L, Q, P]] * 16 + [[L, P]] * 2 + [[L, Q, P, N, P]] * 2 +
    [[L, Q, P, N]] * 13 + [[L, Q, N]] + [[L, Q, P, N, P, N]] +
    [[L, Q, P, N, W]] * 20 + [[L, Q, P, W]] * 2 + [[L, Q, P, N, P, N, W]] * 2 +
    [[Q, P, N, W]] +
    [[L, X]] * 4 + [[L, Q, X]] * 5 + [[L, Q, P, X]] * 6 +
    [[L, Q, P, N, X]] * 4 + [[L, Q, P, N, P, X]]
)

OPPS = []


def product_for(c):
    if c["kind"] == "person":
        pool = PRODUCTS["person"]
    elif c["_loc"] == "zh":
        pool = PRODUCTS["zh"]
    elif c["country"] == "CN":
        pool = PRODUCTS["zh"] + PRODUCTS["en"]
    else:
        pool = PRODUCTS["en"]
    used = [o["name"] for o in c["_opps"]]
    free = [p for p in pool if p[0] not in used]
    if free:
        return rng.choice(free)
    name, kind = rng.choice(pool)
    return name + (" (二期)" if c["_loc"] == "zh" else " (phase 2)"), kind


AMOUNT_RANGE = {   # log-uniform, in major units
    "CNY": {"A": (3e5, 3e6), "B": (1.5e5, 1.5e6), "C": (5e4, 4e5),
            "": (5e4, 3e5)},
    "FX": {"A": (3e4, 4e5), "B": (1.5e4, 2e5), "C": (8e3, 8e4),
           "": (8e3, 5e4)},
}


def log_uniform(lo, hi):
    return 10 ** rng.uniform(math.log10(lo), math.log10(hi))


SMALL_JOBS = ("培训", "PoC", "咨询", "试点", "pilot", "assessment", "审计")


def amount_for(c, currency, name):
    """An amount in cents, bigger for bigger customers, smaller for
    trainings, pilots and assessments."""
    if c["kind"] == "person":
        return rng.randint(10, 24) * 5000 * 100
    small = 0.3 if any(w in name for w in SMALL_JOBS) else 1.0
    if currency != "CNY":
        v = max(log_uniform(*AMOUNT_RANGE["FX"][c["tier"]]) * small, 5000)
        return int(round(v / 500.0)) * 500 * 100
    v = max(log_uniform(*AMOUNT_RANGE["CNY"][c["tier"]]) * small, 50000)
    if rng.random() < .07:
        # quoted net of 6% VAT: the amount has cents
        return int(round(int(round(v / 10000.0)) * 10000 * 100 / 1.06))
    return int(round(v / 5000.0)) * 5000 * 100


def currency_for(c):
    """Customers abroad mostly pay in their currency; in China in CNY."""
    fx = {"US": "USD", "SG": "USD", "JP": "USD", "KR": "USD", "DE": "EUR",
          "NL": "EUR"}.get(c["country"])
    if fx and rng.random() < .75:
        return fx
    return "CNY"


def dwell_days(path):
    dw = []
    for i in range(1, len(path)):
        lo, hi = DWELL[path[i - 1]]
        if ORDER[path[i]] < ORDER[path[i - 1]]:
            hi = lo + 5  # moved back: quickly
        dw.append(rng.randint(lo, hi))
    return dw


def fit(dw, span):
    """Dwell times scaled to add up to span days exactly."""
    total = sum(dw)
    if not dw:
        return dw
    dw = [int(d * span / total) for d in dw]
    dw[-1] += span - sum(dw)
    return dw


def schedule(path, end, first=OPP_FIRST):
    """Dates at which the deal entered each stage of path, the last on
    day end; the deal was created between first and OPP_LAST."""
    dw = dwell_days(path)
    if not dw:
        end = min(end, OPP_LAST)
    created = end - days(sum(dw))
    if created < first:
        created = first
    if created > OPP_LAST:
        created = OPP_LAST
    dw = fit(dw, (end - created).days)
    out = [created]
    for d in dw:
        out.append(out[-1] + days(d))
    assert out[-1] == end <= TODAY
    return out


def make_opp(c, path, dates, name=None, kind=None, amount=None,
             currency=None):
    if name is None:
        name, kind = product_for(c)
    currency = currency or currency_for(c)
    stage = path[-1]
    created = dates[0]
    times = []
    for d in dates:
        times.append(after(times[-1] if times else None, d))
    o = {"id": new_id("O"), "name": name, "customer": c["id"],
         "contact": "", "owner": c["owner"] or c["_prev"],
         "pipeline": "new-business", "stage": stage,
         "amount": amount if amount is not None else amount_for(c, currency,
                                                                name),
         "currency": currency, "probability": "", "close": "",
         "source": c["source"] if rng.random() < .6 else rng.choice(SOURCES),
         "next_date": "", "next_action": "", "last_contact": "",
         "reason": "", "closed": "", "competitor": "",
         "_path": path, "_times": times, "_created": created, "_cust": c,
         "_kind": kind, "_owner_change": None,
         "_renewal": False}
    if rng.random() < .5:
        o["competitor"] = rng.choice(COMPETITORS)
    if stage in CLOSED:
        o["closed"] = dates[-1]
        o["close"] = dates[-1]
    if stage == "lost":
        o["reason"] = rng.choice(LOSS_REASONS)
        if o["reason"] == "lost to competitor" and not o["competitor"]:
            o["competitor"] = rng.choice(COMPETITORS)
    c["_opps"].append(o)
    OPPS.append(o)
    return o


def weight(c):
    """Big customers buy more, but every customer gets a turn."""
    w = {"A": 4, "B": 3, "C": 2}.get(c["tier"], 1.5)
    if c["kind"] == "person":
        w *= 0.6
    return w / (1 + len(c["_opps"])) ** 1.5


def pick_customer(stage, dates):
    created = dates[0]
    cands = []
    for c in CUSTOMERS:
        if c["_created"] > created:
            continue
        if not c["owner"] and (stage != "lost" or len(c["_opps"]) >= 2 or
                               dates[-1] > date(2026, 1, 5)):
            continue
        cands.append(c)
    total = sum(weight(c) for c in cands)
    r = rng.uniform(0, total)
    for c in cands:
        r -= weight(c)
        if r <= 0:
            return c
    return cands[-1]


def make_renewals():
    """Renewal deals for the contracts imported from the spreadsheet."""
    spec = [("上海晨曦", [Q, P, N], date(2026, 1, 12), date(2026, 2, 24),
             72000000, "CNY", date(2026, 3, 25)),
            ("Sakura", [Q, P], date(2026, 1, 20), date(2026, 2, 12),
             5400000, "USD", date(2026, 4, 10)),
            ("Bluewater", [Q], date(2026, 2, 9), date(2026, 2, 9),
             9200000, "USD", date(2026, 4, 24)),
            ("杭州青禾", [Q, N, W], date(2025, 11, 5), date(2025, 12, 22),
             27500000, "CNY", None)]
    for prefix, path, created, end, amount, cur, close in spec:
        c = cust_named(prefix)
        o = make_opp(c, path, schedule(path, end, created),
                     "Renewal 2026 / 2026 年度续约", SUB, amount, cur)
        o["_renewal"] = True
        if close:
            o["close"] = close
        o["source"] = "renewal"
        o["competitor"] = ""


def make_opps():
    make_renewals()
    plan = [list(p) for p in PATH_PLAN]
    # the renewals stand for one deal of these shapes each
    plan.remove([Q])                      # Bluewater renewal
    plan.remove([L, Q, P])                # Sakura renewal
    plan.remove([L, Q, P, N])             # 晨曦 renewal
    plan.remove([L, Q, P, N, W])          # 青禾 renewal
    rng.shuffle(plan)
    for path in plan:
        stage = path[-1]
        dates = schedule(path, rand_date(*END_RANGE[stage]))
        c = pick_customer(stage, dates)
        make_opp(c, path, dates)


def open_close_dates():
    """Expected close dates of open deals; some slipped, a few overdue."""
    cycle = {"lead": (60, 120), "qualified": (45, 100), "proposal": (30, 80),
             "negotiation": (20, 60)}
    for o in OPPS:
        if o["stage"] in CLOSED or o["close"]:
            continue
        lo, hi = cycle[o["stage"]]
        close = o["_created"] + days(rng.randint(lo, hi))
        if close < TODAY:
            if rng.random() < .7:
                new = TODAY + days(rng.randint(7, 60))
                t = at_on(rand_date(max(close - days(5), o["_created"]),
                                    TODAY - days(1)))
                o["_close_change"] = (t, ds(close))
                close = new
        o["close"] = close


# ---- activities ----------------------------------------------------------

OPP_TEXT = {
    "early": [
        ("call", "电话沟通需求, 客户关注各系统数据口径不统一的问题"),
        ("call", "Call with {c}: budget owner is the CFO, decision in Q2"),
        ("email", "发送公司介绍和制造业案例集"),
        ("email", "Sent intro deck and two reference cases"),
        ("meeting", "线上需求调研, {c} 与 IT 部门共 5 人参加"),
        ("visit", "拜访客户 IT 部, 演示 DataHub 数据目录和血缘功能"),
        ("note", "决策链: 使用部门 -> IT -> 采购 -> 总经理办公会"),
        ("call", "{c} 说现在用 Excel + 邮件汇总报表, 每月结账要加班三天"),
        ("meeting", "Discovery workshop, they want \"one version of the "
                    "truth\" for sales KPIs"),
        ("note", "客户在看 {comp}, 我们的优势是私有化部署和本地实施团队"),
    ],
    "mid": [
        ("email", "发送方案书 v2 和报价单"),
        ("email", "Sent proposal and quote, valid until end of month"),
        ("meeting", "方案评审会, 客户技术负责人提出需要支持私有化部署"),
        ("meeting", "会议纪要:\n1. 确认数据源 12 个\n2. 首期范围: 销售, 库存, 财务\n3. 下周提交排期"),
        ("visit", "现场拜访, 与 {c} 及生产部门讨论 MES 数据接入"),
        ("call", "电话跟进报价反馈, 客户认为实施人天偏多"),
        ("note", "PoC 结果: 报表刷新从 40 分钟降到 3 分钟, 客户很满意"),
        ("call", "{c}: PoC went well, asked for a phased rollout plan"),
        ("email", "回复客户安全问卷 (共 86 项)"),
    ],
    "late": [
        ("meeting", "商务谈判: 客户要求付款条件改为 3/6/1, 我们坚持 3/4/3"),
        ("email", "Sent revised quote: 8% discount, payment 30/40/30"),
        ("call", "采购 {c} 要求 \"最终报价\" 周五前给到"),
        ("note", "法务在审合同, 重点是数据安全和违约责任条款"),
        ("meeting", "Steering meeting, procurement joined; asked for best "
                    "and final price"),
        ("visit", "拜访分管副总, 确认预算已批, 等待用印"),
    ],
    "won": [
        ("note", "合同已签署, 双方盖章完成"),
        ("email", "PO received, kick-off planned for next week"),
        ("meeting", "签约会, 确定实施项目经理和启动会时间"),
        ("note", "客户确认中标, 中标通知书已收到"),
    ],
    "lost": [
        ("note", "客户确认选择了 {comp}, 主要原因是价格"),
        ("call", "{c}: project put on hold after the reorg, no budget "
                 "this year"),
        ("note", "预算被砍, 项目取消"),
        ("email", "Lost. They went with {comp}; asked to stay in touch "
                  "for phase 2"),
        ("note", "客户迟迟没有决策, 先关闭, 半年后再跟"),
    ],
}
CUST_TEXT = [
    ("revisit", "季度回访, 客户对报表性能满意, 提出增加移动端需求"),
    ("revisit", "Quarterly business review with {c}: usage up 30%, "
                "4 new dashboards"),
    ("service", "远程支持: 协助排查数据同步延迟问题, 已解决"),
    ("service", "培训: 为财务部 12 人做 BI 自助分析培训"),
    ("visit", "拜访 {c}, 了解明年的数字化规划"),
    ("call", "电话回访, 客户反馈上线后月结报表提前两天出"),
    ("meeting", "年度规划会, 客户计划下半年推广到华南工厂"),
    ("email", "Sent the release notes for DataHub 4.2 and invited them "
              "to the webinar"),
    ("revisit", "回访: 客户提到 \"看板太多, 不知道看哪个\", 建议做指标体系梳理"),
    ("note", "客户 IT 负责人换人, 新负责人是 {c}, 需要重新建立关系"),
    ("call", "春节前问候, 顺便确认续约意向"),
    ("visit", "上门拜访\n- 参观新工厂\n- 讨论二期范围"),
]
LEAD_TEXT = [
    ("call", "首次电话, 了解到正在选型 BI 工具"),
    ("email", "Sent intro deck and case studies"),
    ("call", "未接通, 已发短信"),
    ("call", "Webinar attendee, asked about pricing for 50 users"),
    ("email", "发送产品白皮书, 约下周演示"),
    ("call", "对方说 \"先发资料看看\", 预算未定"),
    ("meeting", "线上演示 45 分钟, 对实时看板感兴趣"),
]
NEXT_ACTION = {
    "lead": ["电话摸底需求", "Send intro deck", "约首次拜访"],
    "qualified": ["安排产品演示", "Schedule demo with IT", "确认预算和决策人"],
    "proposal": ["提交方案和报价", "Follow up on proposal", "方案评审会",
                 "PoC 结果汇报"],
    "negotiation": ["合同条款确认", "Legal review of MSA", "约采购谈价格",
                    "Send final quote"],
}
CUST_NEXT = ["季度回访", "续约沟通", "上门拜访", "Quarterly review",
             "二期需求调研", "培训回访"]


def fill(text, contact_name, competitor):
    english = not any(ord(ch) > 0x2e80 for ch in text)
    if not contact_name:
        text = text.replace("{c} ", "客户")
        contact_name = "the client" if english else "客户"
    if not competitor:
        competitor = "a competitor" if english else "竞品"
    return text.replace("{c}", contact_name).replace("{comp}", competitor)


def contact_name(pid):
    for p in CONTACTS:
        if p["id"] == pid:
            return p["name"]
    return ""


def opp_by(o, t):
    ch = o["_owner_change"]
    return ch[1] if ch and t < ch[0] else o["owner"]


def group_of(stage):
    return {"lead": "early", "qualified": "early", "proposal": "mid",
            "negotiation": "late"}[stage]


def stage_at(o, d):
    st = o["_path"][0]
    for s, t in zip(o["_path"], o["_times"]):
        if t.date() <= d and s not in CLOSED:
            st = s
    return st


def opp_activity_days(o, stale, silent):
    created = o["_created"]
    if silent:
        return []
    if o["stage"] in CLOSED:
        last = o["closed"]
    else:
        entered = o["_times"][-1].date()
        rot = ROT[o["stage"]]
        if stale:
            last = rand_date(max(entered, created), TODAY - days(rot + 2))
        else:
            last = rand_date(max(entered, created, TODAY - days(rot - 1)),
                             TODAY)
    n = rng.randint(1, 3)
    ds_ = sorted(rand_date(created, last) for _ in range(n - 1))
    return ds_ + [last]


def opp_activities(o, stale, silent):
    name = contact_name(o["contact"])
    prev = o["_times"][0]
    dlist = opp_activity_days(o, stale, silent)
    for i, d in enumerate(dlist):
        final = i == len(dlist) - 1
        if final and o["stage"] in CLOSED:
            typ, text = rng.choice(OPP_TEXT[o["stage"]])
        else:
            typ, text = rng.choice(OPP_TEXT[group_of(stage_at(o, d))])
        prev = after(prev, d)
        nxt = action = None
        if final and o["stage"] not in CLOSED:
            nxt = next_date_for(d, stale)
            action = rng.choice(NEXT_ACTION[o["stage"]])
            o["next_date"], o["next_action"] = nxt, action
        elif not final and rng.random() < .3:
            nxt = d + days(rng.randint(3, 10))
            action = rng.choice(NEXT_ACTION[stage_at(o, d)])
        act(prev, opp_by(o, prev), "opportunity", o["id"], typ,
            fill(text, name, o["competitor"]), nxt, action)
        o["last_contact"] = d


def next_date_for(last, stale):
    if stale:
        return last + days(rng.randint(2, 6))
    if rng.random() < .15 and last + days(1) <= TODAY - days(1):
        return rand_date(last + days(1), TODAY - days(1))
    return max(TODAY + days(rng.randint(0, 21)), last + days(1))


def make_opp_activities():
    open_ = [o for o in OPPS if o["stage"] not in CLOSED]
    silent = [o for o in open_ if o["stage"] == "lead" and
              o["_created"] >= date(2026, 2, 18)][:3]
    stale = []
    for o in open_:
        rot = ROT[o["stage"]]
        if o in silent or o["_renewal"]:
            continue
        if o["_times"][-1].date() <= TODAY - days(rot + 3) and \
                len(stale) < 11 and rng.random() < .45:
            stale.append(o)
    for o in OPPS:
        opp_activities(o, o in stale, o in silent)


# ---- extra field changes on deals ----------------------------------------

def opp_extras():
    open_ = [o for o in OPPS if o["stage"] not in CLOSED]
    # a few probabilities set by hand
    for o in rng.sample([o for o in open_ if o["stage"] != "lead"], 5):
        base = {"qualified": 20, "proposal": 50, "negotiation": 75}[o["stage"]]
        o["probability"] = str(base + rng.choice([-15, -10, 10, 15]))
        o["_prob_at"] = after(o["_times"][-1], o["_times"][-1].date())
    # amounts cut in negotiation
    later = [o for o in OPPS if N in o["_path"] and o["amount"] % 100 == 0
             and not o["_renewal"]]
    for o in rng.sample(later, 6):
        i = o["_path"].index(N)
        t = after(o["_times"][i], o["_times"][i].date())
        if i + 1 < len(o["_times"]) and t >= o["_times"][i + 1]:
            continue
        step = 100000 if o["currency"] == "CNY" else 50000
        old = (o["amount"] * 112 // 100) // step * step
        if old > o["amount"]:
            o["_amount_change"] = (t, money(old))
    # deals handed over from one salesperson to another
    pool = [o for o in OPPS if len(o["_times"]) >= 3 and o["_cust"]["owner"]
            and not o["_renewal"]]
    for o in rng.sample(pool, 3):
        a, b = o["_times"][1], o["_times"][2]
        if (b - a).days < 2:
            continue
        t = at_on(a.date() + days(1))
        o["_owner_change"] = (t, rng.choice([x for x in OWNERS
                                             if x != o["owner"]]))


# ---- contracts and payments ----------------------------------------------

CONTRACTS = []
PAYMENTS = []

IMPORTED_CONTRACTS = [
    # customer, title, cents, currency, signed, start, end, renewal, status,
    # plan [(due, percent)], receipts [(plan index, paid date, percent)]
    ("上海晨曦", "DataHub 企业版年度订阅 2025", 68000000, "CNY",
     date(2025, 3, 18), date(2025, 4, 1), date(2026, 3, 31), "manual",
     "active", [(date(2025, 4, 15), 50), (date(2025, 10, 15), 50)],
     [(0, date(2025, 4, 11), 50), (1, date(2025, 10, 20), 50)]),
    ("Sakura", "DataHub subscription FY2025", 5200000, "USD",
     date(2025, 4, 8), date(2025, 4, 15), date(2026, 4, 14), "auto",
     "active", [(date(2025, 4, 30), 100)], [(0, date(2025, 4, 28), 100)]),
    ("Bluewater", "Analytics platform subscription 2025-26", 8800000, "USD",
     date(2025, 4, 22), date(2025, 5, 1), date(2026, 4, 30), "manual",
     "active", [(date(2025, 5, 15), 50), (date(2025, 11, 15), 50)],
     [(0, date(2025, 5, 14), 50), (1, date(2025, 12, 3), 30)]),
    ("杭州青禾", "数据中台订阅 2025", 26000000, "CNY",
     date(2024, 12, 20), date(2025, 1, 1), date(2025, 12, 31), "manual",
     "renewed", [(date(2025, 1, 15), 100)], [(0, date(2025, 1, 13), 100)]),
    ("成都蜀味", "BI 看板实施", 15000000, "CNY",
     date(2024, 11, 28), date(2024, 12, 1), date(2025, 11, 30), "none",
     "ended", [(date(2024, 12, 15), 100)], [(0, date(2024, 12, 24), 100)]),
    ("北京云帆", "实时数仓实施服务", 115000000, "CNY",
     date(2025, 5, 20), date(2025, 6, 1), date(2026, 5, 31), "manual",
     "active", [(date(2025, 6, 15), 30), (date(2025, 10, 31), 40),
                (date(2026, 2, 15), 30)],
     [(0, date(2025, 6, 12), 30), (1, date(2025, 11, 6), 40)]),
]


def split(cents, percents):
    parts = [cents * p // 100 for p in percents[:-1]]
    return parts + [cents - sum(parts)]


def method_for(currency):
    if currency != "CNY":
        return "wire"
    return "支票" if rng.random() < .15 else "银行转账"


def add_payment(k, kind, due, cents, note, created, plan=""):
    y = {"id": new_id("Y"), "contract": k["id"], "customer": k["customer"],
         "kind": kind, "plan": plan, "date": due, "amount": cents,
         "currency": k["currency"],
         "method": method_for(k["currency"]) if kind == "receipt" else "",
         "note": note, "_created": created, "_k": k}
    PAYMENTS.append(y)
    return y


PLAN_NOTES = {1: ["全款"], 2: ["首付款 50%", "尾款 50%"],
              3: ["首付款 30%", "上线款 40%", "验收款 30%"]}


def make_imported_contracts():
    for (prefix, title, cents, cur, signed, start, end, renewal, status,
         plan, receipts) in IMPORTED_CONTRACTS:
        c = cust_named(prefix)
        k = {"id": new_id("K"), "customer": c["id"], "opportunity": "",
             "title": title, "amount": cents, "currency": cur,
             "signed": signed, "start": start, "end": end,
             "renewal": renewal, "status": status,
             "owner": c["owner"] or c["_prev"], "_created": IMPORT_DAY,
             "_t": at_on(IMPORT_DAY, 10, 11), "_cust": c}
        CONTRACTS.append(k)
        notes = PLAN_NOTES[len(plan)]
        lines = []
        pcts = [p for _, p in plan]
        for (due, _), part, note in zip(plan, split(cents, pcts), notes):
            lines.append(add_payment(k, "plan", due, part, note, IMPORT_DAY))
        for i, paid, pct in receipts:
            part = lines[i]["amount"] * pct // [p for _, p in plan][i]
            note = "" if part == lines[i]["amount"] else "部分付款 / partial"
            add_payment(k, "receipt", paid, part, note,
                        max(paid, IMPORT_DAY), lines[i]["id"])
        if status != "active":
            when = end + days(1) if status == "ended" else date(2025, 12, 22)
            k["_status_change"] = (at_on(when), "active", status)


def make_won_contracts():
    won = [o for o in OPPS if o["stage"] == "won"]
    renew = [o for o in won if o["_renewal"]]
    others = [o for o in won if not o["_renewal"]]
    chosen = renew + rng.sample(others, 13)
    chosen.sort(key=lambda o: o["_times"][-1])
    for o in chosen:
        c = o["_cust"]
        signed = o["closed"]
        if o["_renewal"]:
            start = date(2026, 1, 1)
        else:
            first = date(signed.year + signed.month // 12,
                         signed.month % 12 + 1, 1)
            start = first if first <= TODAY and rng.random() < .5 else signed
        end = date(start.year + 1, start.month, start.day) - days(1)
        zh = any(ord(ch) > 0x2e80 for ch in o["name"])
        title = o["name"].split(" / ")[0] + (" 合同" if zh else " agreement")
        if o["_renewal"]:
            title = "数据中台订阅 2026"
        renewal = "none"
        if o["_kind"] == SUB:
            renewal = rng.choice(["auto", "manual"])
        t = o["_times"][-1] + timedelta(minutes=rng.randint(10, 50))
        k = {"id": new_id("K"), "customer": c["id"], "opportunity": o["id"],
             "title": title, "amount": o["amount"], "currency": o["currency"],
             "signed": signed, "start": start, "end": end,
             "renewal": renewal, "status": "active", "owner": o["owner"],
             "_created": signed, "_t": t, "_cust": c}
        CONTRACTS.append(k)
        make_plan(k)


def make_plan(k):
    n = rng.choice([1, 1, 2, 2, 3])
    pct = {1: [100], 2: [50, 50], 3: [30, 40, 30]}[n]
    offs = {1: [30], 2: [15, 180], 3: [15, 90, 180]}[n]
    for pc, off, part, note in zip(pct, offs, split(k["amount"], pct),
                                   PLAN_NOTES[n]):
        due = k["signed"] + days(off)
        add_payment(k, "plan", due, part, note, k["signed"])


def make_receipts():
    """Collect most plan lines already due; leave a few overdue."""
    due = [y for y in PAYMENTS if y["kind"] == "plan" and
           y["_k"]["opportunity"] and y["date"] <= TODAY]
    due.sort(key=lambda y: (y["date"], y["id"]))
    unpaid = rng.sample(due, 3)
    partial = rng.choice([y for y in due if y not in unpaid])
    for y in due:
        if y in unpaid:
            continue
        paid = min(y["date"] + days(rng.randint(-5, 12)), TODAY)
        paid = max(paid, y["_k"]["signed"])
        cents = y["amount"]
        note = ""
        if y is partial:
            cents = cents // 200 * 100
            note = "部分付款, 余款客户承诺 3 月中旬付清"
        add_payment(y["_k"], "receipt", paid, cents, note, paid, y["id"])
    # one instalment falls due within the reminder window (payment-days)
    soon = [y for y in PAYMENTS if y["kind"] == "plan" and
            TODAY < y["date"] <= TODAY + days(7)]
    if not soon:
        late = [y for y in PAYMENTS if y["kind"] == "plan" and
                y["date"] > TODAY + days(7) and
                y["_k"]["signed"] >= date(2026, 2, 1)]
        late.sort(key=lambda y: (y["date"], y["id"]))
        if late:
            late[0]["date"] = TODAY + days(4)


# ---- leads ---------------------------------------------------------------

# name|company|title|email|phone|source|status|owner|reason
LEAD_SPEC = """\
孙浩|上海颐和健康管理有限公司|IT 经理|sunhao@yihe-health.example|13601781234|官网|new|alice|
Laura Fischer|Fischer Maschinenbau GmbH|Head of Digital|l.fischer@fischer-mb.example|+49 711 4470 2210|webinar|working|erik|
周敏|杭州云栖文创有限公司|运营总监|zhoumin@yunqi-wc.example|13958012345|展会|working|chen|
黄志强|东莞宏利五金制品厂|厂长||13829901234|cold-call|working|bob|
James Whitfield|Whitfield & Sons Ltd|Finance Director|james@whitfield-sons.example|+44 20 7946 0321|website|dropped|erik|no budget
刘佳怡|北京知行教育咨询有限公司|创始人|liujiayi@zhixing-edu.example|13911238765|referral|working|dana|
Tran Minh Duc|Saigon Textiles JSC|IT Manager|duc.tran@saigontex.example|+84 28 3822 1188|partner|working|erik|
赵磊|深圳速达冷链物流有限公司|CIO|zhaolei@suda-coldchain.example|13714561234|展会|qualified|bob|
马晓东||数据分析师|maxd@mail.example|15021345678|官网|dropped|dana|个人学习用途, 非企业客户
陈思远|苏州博远精密模具有限公司|副总经理|chensy@boyuan-mold.example|13812761234|trade-show|working|chen|
Akiko Yamamoto|Yamamoto Trading Co., Ltd.|経営企画部|a.yamamoto@yamamoto-trading.example|+81 3 6712 4400|website|new|dana|
郭海燕|武汉光谷生物科技有限公司|采购经理|guohy@ggbio.example|18627011234|官网|new||
Rahul Mehta|Mehta Pharma Pvt Ltd|CTO|rahul.mehta@mehtapharma.example|+91 22 4001 7788|webinar|qualified|erik|
许文博|南通江海船舶配件有限公司|信息中心主任|xuwenbo@jianghai-marine.example|0513-85561234|cold-call|working|bob|
林雪梅|福州闽江茶业有限公司|总经理助理||13905911234|展会|dropped|chen|not reachable
Sophie Martin|Martin & Fils SARL|COO|sophie.martin@martinfils.example|+33 1 4020 5566|partner|qualified|erik|
韩宇航|上海数联科技有限公司|销售总监|hanyh@shulian-tech.example|13701812345|cold-call|dropped|alice|竞争对手打探价格
唐嘉欣|成都天府软件园管理有限公司|数字化部经理|tangjx@tfsp.example|18980012345|referral|qualified|dana|
Oliver Grant|Grant Outdoor Gear, Inc.|VP Operations|oliver@grantoutdoor.example|+1 303 555 0122|website|new|erik|
冯刚|沈阳北方重工装备有限公司|信息化处处长|fenggang@beifang-hi.example|024-23561234|展会|working|alice|
曹静|上海优品生活家居有限公司, 电商事业部|电商运营经理|caojing@youpin-home.example|13512345678|官网|new||
宋涛|珠海海纳电子有限公司|IT 主管|songtao@haina-elec.example|13631201234|cold-call|new|bob|
Nguyen Thi Lan|Lotus Retail Vietnam|Head of BI|lan.nguyen@lotusretail.example|+84 24 3936 2211|trade-show|new||
邓超|南京金陵智造科技有限公司|IT 主管|dengchao@jinling-zhizao.example|13951701234|展会|dropped|chen|重复线索 (已是客户: 南京金陵智造)
"""

LEADS = []
LEAD_NEXT = ["约线上演示", "发送报价范围", "Follow-up call", "确认预算",
             "Send case study", "转商机"]


def lead_flow(ld, first_day, end_day):
    """Activities and status changes of a worked lead."""
    by = ld["owner"] or "dana"
    n = rng.randint(1, 2)
    dl = sorted(rand_date(first_day, end_day) for _ in range(n))
    prev = ld["_t"]
    for i, d in enumerate(dl):
        typ, text = rng.choice(LEAD_TEXT)
        prev = after(prev, d)
        if i == 0 and ld["status"] != "new":
            ld["_status"].append((prev, "new", "working"))
            prev = prev + timedelta(minutes=1)
        nxt = action = None
        if i == n - 1 and ld["status"] in ("working", "qualified"):
            nxt = max(d + days(rng.randint(2, 10)), d + days(1))
            if rng.random() < .5:
                nxt = max(TODAY + days(rng.randint(0, 14)), d + days(1))
            action = "转商机" if ld["status"] == "qualified" else \
                rng.choice(LEAD_NEXT[:-1])
            ld["next_date"], ld["next_action"] = nxt, action
        act(prev, by, "lead", ld["id"], typ, text, nxt, action)
        ld["last_contact"] = d
    return prev


def make_lead(fields, created):
    (name, company, title, email, phone, source, status, owner,
     reason) = fields
    ld = {"id": new_id("L"), "name": name, "company": company,
          "title": title, "email": email, "phone": phone, "source": source,
          "status": status, "score": "", "owner": owner, "amount": "",
          "next_date": "", "next_action": "", "last_contact": "",
          "customer": "", "opportunity": "", "reason": reason,
          "_created": created, "_t": at_on(created), "_status": [],
          "_assign": None}
    LEADS.append(ld)
    return ld


def score_of(ld):
    """The lead's score by the [score] rules of CONF."""
    score = 0
    if ld["email"]:
        score += 20
    if ld["phone"]:
        score += 10
    if ld["source"] == "referral":
        score += 30
    if re.search("CEO|CTO|CIO|VP|Head|总|主任", ld["title"]):
        score += 15
    if ld["source"] in ("展会", "trade-show"):
        score += 10
    if not ld["company"]:
        score -= 20
    return str(score)


def make_leads():
    for line in LEAD_SPEC.splitlines():
        f = line.split("|")
        status = f[6]
        if status == "new":
            created = rand_date(date(2026, 2, 24), TODAY)
        else:
            created = rand_date(date(2025, 12, 1), date(2026, 2, 15))
        ld = make_lead(f, created)
        # new leads wait for "crm-lead score" half of the time
        ld["_scored"] = status != "new" or rng.random() < .5
        if status in ("qualified", "working") and rng.random() < .6:
            ld["amount"] = rng.choice([15, 20, 30, 50, 80, 120]) * 1000000
        if ld["owner"] and status != "new" and rng.random() < .4:
            ld["_assign"] = at_on(created + days(rng.randint(0, 1)))
        if status == "new":
            continue
        end = TODAY - days(rng.randint(0, 20)) if status in (
            "working", "qualified") else created + days(rng.randint(5, 30))
        end = min(end, TODAY)
        last = lead_flow(ld, created, end)
        if status == "qualified":
            ld["_status"].append((last + timedelta(minutes=5), "working",
                                  "qualified"))
        if status == "dropped":
            t = after(last, min(last.date() + days(rng.randint(0, 5)), TODAY))
            ld["_status"].append((t, "working", "dropped"))
    make_converted_leads()


def make_converted_leads():
    # three customers were won from a lead: they were created on conversion
    fresh = [c for c in CUSTOMERS if not c["_imported"] and c["owner"] and
             c["kind"] == "company" and c["_opps"]]
    rng.shuffle(fresh)
    picks = []
    for c in fresh[:3]:
        o = min(c["_opps"], key=lambda o: o["_times"][0])
        c["_created"] = o["_created"]
        c["_from_lead"] = o
        picks.append((c, o))
    used = [c for c, _ in picks]
    rest = [o for o in OPPS if not o["_renewal"] and o["_cust"] not in used
            and o["_cust"]["owner"] and o["_cust"]["kind"] == "company"]
    rng.shuffle(rest)
    for o in rest:
        if len(picks) < 6 and all(o["_cust"] is not c for c, _ in picks):
            picks.append((o["_cust"], o))
    for c, o in picks:
        created = max(o["_created"] - days(rng.randint(5, 25)),
                      date(2025, 10, 10))
        ld = make_lead(["", c["name"], "", "", "", o["source"], "converted",
                        o["owner"], ""], created)
        ld["_scored"] = True
        ld["amount"] = o["amount"] if o["currency"] == "CNY" else ""
        ld["_conv"] = (c, o)
        last = lead_flow(ld, created, o["_created"] - days(1))
        # qualified, customer (if new) and its contact made, converted,
        # then the deal: minutes apart
        conv_t = o["_times"][0] - timedelta(minutes=1)
        assert last < conv_t - timedelta(minutes=10)
        ld["_status"].append((conv_t - timedelta(minutes=10), "working",
                              "qualified"))
        ld["_status"].append((conv_t, "qualified", "converted"))
        ld["_conv_t"] = conv_t
        ld["customer"], ld["opportunity"] = c["id"], o["id"]
        o["source"] = ld["source"]


def fill_converted_lead_people():
    """A converted lead's person is the contact of the deal it became."""
    for ld in LEADS:
        if ld["status"] != "converted":
            continue
        c, o = ld["_conv"]
        p = None
        for q in CONTACTS:
            if q["id"] == o["contact"]:
                p = q
        if p is None:
            p = c["_contacts"][0]
        ld["name"], ld["title"] = p["name"], p["title"]
        ld["email"], ld["phone"] = p["email"], p["phone"]
    for ld in LEADS:
        if ld["_scored"]:
            ld["score"] = score_of(ld)


# ---- customer activities and pool ----------------------------------------

def make_customer_activities():
    owned = [c for c in CUSTOMERS if c["owner"]]
    rng.shuffle(owned)
    # one A customer overdue for its 30-day revisit, and about to fall
    # into the pool with another one; four more are 24..29 days silent
    first_a = [c for c in owned if c["tier"] == "A"][0]
    owned.remove(first_a)
    gone = [first_a] + owned[:1]
    warn = owned[1:5]
    # a key account its owner locked against the pool
    warn[0]["tags"] = (warn[0]["tags"] + " locked").strip()
    for c in CUSTOMERS:
        lo = max(c["_created"], date(2025, 11, 1))
        if not c["owner"]:
            last = rand_date(max(c["_created"], date(2025, 10, 15)),
                             date(2025, 12, 20))
            lo = max(c["_created"], date(2025, 9, 1))
        elif c in warn:
            last = TODAY - days(rng.randint(24, 29))
        elif c in gone:
            last = TODAY - days(rng.randint(31, 40))
        else:
            last = TODAY - days(rng.randint(0, 22))
        last = max(last, c["_created"])
        lo = min(lo, last)
        n = rng.randint(1, 2)
        dl = sorted(rand_date(lo, last) for _ in range(n - 1)) + [last]
        prev = c["_t"] if "_t" in c else None
        for i, d in enumerate(dl):
            typ, text = rng.choice(CUST_TEXT)
            if c["kind"] == "person" and typ == "visit":
                typ, text = "call", "电话回访, 客户反馈使用顺利"
            p = rng.choice(c["_contacts"]) if c["_contacts"] else None
            prev = after(prev, d)
            nxt = action = None
            if i == n - 1 and c["owner"] and rng.random() < .45:
                nxt = max(TODAY + days(rng.randint(-6, 40)), d + days(1))
                action = rng.choice(CUST_NEXT)
                c["next_date"], c["next_action"] = nxt, action
            act(prev, c["owner"] or c["_prev"], "customer", c["id"], typ,
                fill(text, p["name"] if p else c["name"], ""), nxt, action)
            c["last_contact"] = d
        if not c["owner"]:
            # released into the public pool 30 days after the last contact
            rel = last + days(30)
            for o in c["_opps"]:
                rel = max(rel, o["closed"] + days(1))
            c["_release"] = at_on(min(rel, TODAY - days(1)), 2, 2)


# ---- history -------------------------------------------------------------

def customer_history():
    for c in CUSTOMERS:
        if "_from_lead" in c:
            t = c["_from_lead"]["_times"][0] - timedelta(minutes=5)
        else:
            t = at_on(c["_created"], 9, 9) if c["_imported"] else \
                at_on(c["_created"])
            # created before any of its deals made the same day
            for o in c["_opps"]:
                if o["_times"][0] - timedelta(minutes=20) < t:
                    t = o["_times"][0] - timedelta(minutes=20)
        c["_t"] = t
        hist(t, c["_by"], "customer", c["id"], "id", "", c["id"])
    # tier upgrades, reassignments, pool releases
    for c in [c for c in CUSTOMERS if c["tier"] == "A" and not
              c["_imported"]][:2]:
        t = at_on(rand_date(min(c["_created"] + days(20), TODAY),
                            TODAY - days(5)))
        c["_extra"] = [(t, "tier", "B", "A")]
    moved = [c for c in CUSTOMERS if c["owner"] and c["_imported"] and
             c["owner"] in ("chen", "dana")][:2]
    for c in moved:
        old = "bob" if c["owner"] != "bob" else "alice"
        t = at_on(date(2025, 9, 1) + days(rng.randint(0, 20)))
        c.setdefault("_extra", []).append((t, "owner", old, c["owner"]))


def customer_history_late():
    for c in CUSTOMERS:
        for t, field, frm, to in c.get("_extra", []):
            hist(t, to if field == "owner" else c["owner"] or c["_prev"],
                 "customer", c["id"], field, frm, to)
        if "_release" in c:
            hist(c["_release"], c["_prev"], "customer", c["id"], "owner",
                 c["_prev"], "")


def contact_history():
    for p in CONTACTS:
        c = p["_cust"]
        if p["_created"] == c["_created"]:
            t = c["_t"] + timedelta(minutes=1)
        else:
            t = at_on(p["_created"])
        p["_t"] = t
        hist(t, p["_by"], "contact", p["id"], "id", "", p["id"])
    zh = [p for p in CONTACTS if p["title"] == "采购经理"]
    if zh:
        p = zh[0]
        t = at_on(rand_date(p["_created"] + days(10), TODAY - days(3)))
        p["_extra"] = [(t, "title", "采购主管", "采购经理")]
        hist(t, p["_by"], "contact", p["id"], "title", "采购主管", "采购经理")


def opp_history():
    for o in OPPS:
        t0 = o["_times"][0]
        hist(t0, opp_by(o, t0), "opportunity", o["id"], "id", "", o["id"])
        prev = ""
        for s, t in zip(o["_path"], o["_times"]):
            hist(t, opp_by(o, t), "opportunity", o["id"], "stage", prev, s)
            prev = s
        if "_close_change" in o:
            t, old = o["_close_change"]
            if t < t0:
                t = t0 + timedelta(hours=1)
            hist(t, opp_by(o, t), "opportunity", o["id"], "close", old,
                 ds(o["close"]))
        if "_amount_change" in o:
            t, old = o["_amount_change"]
            hist(t, opp_by(o, t), "opportunity", o["id"], "amount", old,
                 money(o["amount"]))
        if o["probability"]:
            t = o["_prob_at"]
            hist(t, o["owner"], "opportunity", o["id"], "probability", "",
                 o["probability"])
        if o["_owner_change"]:
            t, old = o["_owner_change"]
            hist(t, old, "opportunity", o["id"], "owner", old, o["owner"])


def lead_history():
    for ld in LEADS:
        by = ld["owner"] if ld["owner"] and not ld["_assign"] else "dana"
        t = ld["_t"]
        hist(t, by, "lead", ld["id"], "id", "", ld["id"])
        if ld["_assign"]:
            ta = max(ld["_assign"], t + timedelta(minutes=5))
            hist(ta, "dana", "lead", ld["id"], "owner", "", ld["owner"])
        for ts_, frm, to in ld["_status"]:
            who = ld["owner"] or "dana"
            hist(ts_, who, "lead", ld["id"], "status", frm, to)
            if to == "converted":
                hist(ts_, who, "lead", ld["id"], "customer", "",
                     ld["customer"])
                hist(ts_, who, "lead", ld["id"], "opportunity", "",
                     ld["opportunity"])
            if to == "dropped":
                hist(ts_, who, "lead", ld["id"], "reason", "", ld["reason"])


def contract_history():
    for k in CONTRACTS:
        hist(k["_t"], k["owner"], "contract", k["id"], "id", "", k["id"])
        if "_status_change" in k:
            t, frm, to = k["_status_change"]
            hist(t, k["owner"], "contract", k["id"], "status", frm, to)
    for y in PAYMENTS:
        k = y["_k"]
        if y["kind"] == "plan":
            t = k["_t"] + timedelta(minutes=1)
        elif y["_created"] == IMPORT_DAY:
            t = k["_t"] + timedelta(minutes=2)
        else:
            t = max(at_on(y["_created"], 10, 17),
                    k["_t"] + timedelta(minutes=5))
        y["_t"] = t
        hist(t, k["owner"], "payment", y["id"], "id", "", y["id"])


# ---- output --------------------------------------------------------------

def last_dates():
    """Newest history date per record id."""
    out = {}
    for t, _, h in HIST:
        d = t.date()
        if h["id"] not in out or out[h["id"]] < d:
            out[h["id"]] = d
    return out


def finish_rows():
    newest = last_dates()

    def updated(r, *extra):
        ds_ = [r["_created"], newest.get(r["id"], r["_created"])]
        ds_ += [d for d in extra if d]
        return max(ds_)

    for c in CUSTOMERS:
        c["created"] = c["_created"]
        c["updated"] = updated(c, c["last_contact"] or None)
    for p in CONTACTS:
        p["created"], p["updated"] = p["_created"], updated(p)
    for o in OPPS:
        o["created"] = o["_created"]
        o["updated"] = updated(o, o["last_contact"] or None)
    for ld in LEADS:
        ld["created"] = ld["_created"]
        ld["updated"] = updated(ld, ld["last_contact"] or None)
    for k in CONTRACTS:
        k["created"], k["updated"] = k["_created"], updated(k)
    for y in PAYMENTS:
        y["created"], y["updated"] = y["_created"], updated(y)


def cell(v):
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, int) and not isinstance(v, bool):
        return money(v)
    return "" if v is None else str(v)


def write_table(outdir, name, rows):
    cols = COLS[name]
    rows = sorted(rows, key=lambda r: r["id"])
    with open(os.path.join(outdir, name + ".csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(cols)
        for r in rows:
            w.writerow([cell(r[c]) for c in cols])


def write_log(outdir, name, entries):
    entries = sorted(entries, key=lambda e: (e[0], e[1]))
    with open(os.path.join(outdir, name), "w", encoding="utf-8",
              newline="") as f:
        for _, _, o in entries:
            f.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")


README = """\
# data-examples: 星河数智 / Galaxy Data Tech, Shanghai

A small, made-up but realistic crm data directory.  Every name, address,
phone number and e-mail in it is fictional (the domains end in
`.example`).  It is written by `tests/gen-examples.py` (fixed seed, same
bytes every run): change the generator, not these files.

## The story

星河数智 (Galaxy Data Tech) is a Shanghai company of about 120 people.
It sells **DataHub**, a data-platform SaaS (subscriptions, also deployed
on the customer's own servers), and the implementation services around
it: data-platform projects (数据中台), BI upgrades, real-time warehouses,
master data, governance consulting, trainings.  Its customers are Chinese
manufacturers, logistics firms, retailers, banks and hospitals, foreign
companies' Chinese subsidiaries, and a few customers abroad (Germany, the
US, Japan, Korea, Singapore, the Netherlands) who pay in USD or EUR.

Five salespeople share the work (see `crm.conf`): alice (key accounts,
Shanghai), bob (North China, logistics and retail), chen (Jiangsu and
Zhejiang), dana (South China, Japan and Korea, and the inside-sales desk
that takes in web leads) and erik (international accounts).

The team moved from a shared spreadsheet to crm on 2025-06-16: the
customers, contracts and payment plans of that day were imported (which
is why they were created that day, and some contracts were signed
before it).  The deals run from November 2025 to March 2026.

**Read it with today = 2026-03-02**, a Monday:

    export CRM_TODAY=2026-03-02      # or --today 2026-03-02

Nothing that has happened is dated later; only planned things are (next
follow-ups, expected close dates, contract ends, payment due dates).

## What is in it

%(counts)s

%(pipeline)s
- Three subscriptions imported from the spreadsheet end within 60 days
  (上海晨曦, Sakura Precision, Bluewater Retail): their "Renewal 2026"
  deals are open.  杭州青禾's was renewed in December.
- Some deals are stale (no activity for longer than their stage's
  `rot-days`), some follow-ups are overdue, a few expected close dates
  have passed: `crm remind` has something to say.
- Six customers have no owner: they fell into the public pool (公海)
  after 30 days without contact.  A few owned ones are close to it.
- Payment plans (回款) split each contract into instalments; most due
  ones are collected, some partly, some are overdue.
- Leads come from trade shows (展会), the website (官网), webinars,
  partners and referrals; some new ones are not assigned yet, six were
  converted into customers and deals.
- `history.jsonl` has every record's creation and every field change
  (each deal's stage path, with skips and moves back); `activities.jsonl`
  has the calls, visits, e-mails, meetings, notes, revisits and service
  calls, and `last_contact` is the day of each record's newest one.
- Custom fields: `employees` and `wechat_group` on customers,
  `competitor` on opportunities.
- Ugly values on purpose: commas (`Müller, Schmidt & Partner GmbH`), an
  apostrophe (`O'Brien & Hale Analytics LLC`), double quotes
  (`杭州"绿源"环保科技有限公司`, `Robert "Bob" Hale`), full-width
  brackets, Japanese, Korean and German names, multi-line activity
  texts, amounts with cents.

## Try

    crm -C data-examples check
    crm -C data-examples cust list
    crm -C data-examples cust list --pool
    crm -C data-examples opp list --open --sort -amount
    crm -C data-examples opp stale
    crm -C data-examples opp list --where '.competitor != ""'
    crm -C data-examples remind
    crm -C data-examples funnel
"""


def write_readme(outdir):
    def total(rows, cur):
        return money(sum(o["amount"] for o in rows if o["currency"] == cur))

    open_ = [o for o in OPPS if o["stage"] not in CLOSED]
    won = [o for o in OPPS if o["stage"] == "won"]
    fx = ", ".join("%s %s" % (total(open_, cur), cur) for cur in ("USD", "EUR"))
    counts = "\n".join("    %-18s %4d" % (name, n) for name, n in (
        ("customers.csv", len(CUSTOMERS)), ("contacts.csv", len(CONTACTS)),
        ("leads.csv", len(LEADS)), ("opportunities.csv", len(OPPS)),
        ("contracts.csv", len(CONTRACTS)), ("payments.csv", len(PAYMENTS)),
        ("history.jsonl", len(HIST)), ("activities.jsonl", len(ACTS))))
    stages = ", ".join("%d %s" % (sum(1 for o in open_ if o["stage"] == s), s)
                       for s in STAGES[:4])
    pipeline = textwrap.fill(
        "- The pipeline `new-business` holds %d open deals worth %s CNY "
        "(plus %s): %s.  %d deals were won for %s CNY (and some USD and "
        "EUR), %d lost (price, competitors, no budget, cancelled projects, "
        "no decision)." % (len(open_), total(open_, "CNY"), fx, stages,
                          len(won), total(won, "CNY"),
                          sum(1 for o in OPPS if o["stage"] == "lost")),
        width=74, subsequent_indent="  ", break_on_hyphens=False)
    text = README % {"counts": counts, "pipeline": pipeline}
    with open(os.path.join(outdir, "README.md"), "w", encoding="utf-8",
              newline="") as f:
        f.write(text)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: gen-examples.py DIR\n")
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)

    load_customers()
    make_opps()
    open_close_dates()
    make_leads()
    make_contacts()
    # deals pick their contact once contacts exist
    for o in OPPS:
        c = o["_cust"]
        cands = [p for p in c["_contacts"] if p["_created"] < o["_created"]
                 or p["primary"] == "yes"]
        o["contact"] = ""
        if cands and rng.random() < .9:
            prim = [p for p in cands if p["primary"] == "yes"]
            o["contact"] = (prim[0] if prim and rng.random() < .6
                            else rng.choice(cands))["id"]
    fill_converted_lead_people()
    opp_extras()
    customer_history()
    contact_history()
    make_opp_activities()
    make_customer_activities()
    make_imported_contracts()
    make_won_contracts()
    make_receipts()
    opp_history()
    lead_history()
    contract_history()
    customer_history_late()
    finish_rows()

    with open(os.path.join(outdir, "crm.conf"), "w", encoding="utf-8",
              newline="") as f:
        f.write(CONF)
    write_table(outdir, "customers", CUSTOMERS)
    write_table(outdir, "contacts", CONTACTS)
    write_table(outdir, "leads", LEADS)
    write_table(outdir, "opportunities", OPPS)
    write_table(outdir, "contracts", CONTRACTS)
    write_table(outdir, "payments", PAYMENTS)
    write_log(outdir, "history.jsonl", HIST)
    write_log(outdir, "activities.jsonl", ACTS)
    write_readme(outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
