"""Word lists for the Chinese person rules and filters, embedded as constants.

All of them are written from general knowledge of Chinese usage (forms of address, the
head nouns of organisation and place names, the parts of Uyghur, Kazakh and Tibetan
personal names), not taken from any corpus.
"""

from __future__ import annotations

# Forms of address that follow a bare surname (张先生, 王总, 李阿姨, 赵某): with them a
# span holds no given name, only the surname that the de-identified form (张某) keeps.
_ADDRESS_TITLES_TEXT = (
    "先生 女士 小姐 太太 夫人 老师 同学 总 董 总裁 主任 主编 编辑 博士 教授 经理 师傅 老板 "
    "董事 董事长 监事 总监 主管 秘书 厂长 医生 大夫 护士 律师 书记 局长 处长 科长 院长 "
    "校长 所长 部长 厅长 市长 县长 镇长 村长 "
    "队长 组长 班长 主席 会长 社长 台长 站长 行长 警官 记者 工 某 某某 阿姨 奶奶 "
    "爷爷 大爷 大妈 大娘 大姐 大哥 大叔 叔叔 婶婶 伯伯 姐 哥 叔 婶 伯 嫂 姨 老汉 氏"
)
ADDRESS_TITLES: frozenset[str] = frozenset(_ADDRESS_TITLES_TEXT.split())
LONGEST_TITLE = max(map(len, ADDRESS_TITLES))

# Familiar prefixes before a bare surname: 老王, 小李, 阿陈.
FAMILIAR_PREFIXES = frozenset("老小阿")

# Head nouns that make the word before them the name of an organisation, a place or a
# brand (徐悲鸿纪念馆, 中山路, 王致和腐乳): the word is then not a person mentioned.
_ORG_HEADS_TEXT = (
    "研究会 协会 学会 基金会 促进会 联合会 委员会 纪念馆 博物馆 美术馆 艺术馆 图书馆 "
    "研究院 研究所 研究中心 公司 集团 股份 大学 学院 中学 小学 幼儿园 医院 诊所 酒店 宾馆 "
    "饭店 餐厅 大厦 广场 花园 小区 山庄 公园 小镇 艺术村 别墅 工作室 事务所 银行 商场 "
    "超市 书店 药店 品牌 牌 路 街 大街 大道 镇 村 杯 奖"
)
ORG_HEADS: frozenset[str] = frozenset(_ORG_HEADS_TEXT.split())

# Final characters of common nouns (units, places, groups, roles, form labels), rare as
# the last character of a given name: 车主, 申请人, 金额, 单号 are not names.
NOUN_FINALS = frozenset(
    "部员内间学代戏业司局处院所会厂省市县区村路街队组科室级费品性化度率们物界式型期场站店网车机体法类"
    "人者主额号码址证账户"
)

# Parts of Uyghur, Kazakh, Hui and Tibetan personal names as written in Chinese characters;
# a name joined by a middle dot (买买提·艾力) is read up to a whole part.
_MINORITY_PARTS_TEXT = (
    "买买提 艾买提 阿不都 阿布都 阿卜杜 阿布力孜 艾力 艾尔肯 艾合买提 阿力木 阿迪力 热合曼 "
    "吐尔逊 吐尔洪 吐逊 努尔 努尔艾力 努尔买买提 依明 伊力 伊明 玉素甫 玉苏普 尤努斯 "
    "亚森 牙合甫 卡德尔 克然木 麦麦提 麦合木提 木合塔尔 米吉提 帕尔哈提 赛买提 司马义 "
    "沙吾提 哈力克 吾买尔 吾守尔 乌斯曼 库尔班 塔依尔 托合提 巴图 热依拉 古丽 阿依古丽 "
    "古丽娜尔 古丽米拉 迪丽 迪丽娜尔 迪丽热巴 帕提古丽 热孜万古丽 阿依努尔 再努尔 "
    "孜拉 布威 罕 阿娜尔 扎西 次仁 尼玛 达瓦 多吉 卓玛 央金 拉姆 旺堆 平措 格桑 "
    "顿珠 索朗 边巴 巴桑 普布 德吉 曲珍 加措 嘉措 叶尔兰 努尔兰 别克 哈斯 乌兰"
)
MINORITY_PARTS: frozenset[str] = frozenset(_MINORITY_PARTS_TEXT.split())
LONGEST_PART = max(map(len, MINORITY_PARTS))

# Separators written between the parts of a transliterated or minority name.
NAME_DOTS = frozenset("·•‧・")

# Characters of the standard transliteration tables for foreign names (Xinhua's): a word
# made only of them reads as a foreign name, club or place (贝蒂斯, 托蒂, 巴勒莫).
TRANSLITERATION_CHARS = frozenset(
    "阿埃艾安奥巴拜贝比彼波伯博布达戴德迪蒂丁多厄恩法菲费芬弗福富盖冈戈哥格古瓜哈海汉赫亨"
    "霍吉基加贾杰捷金卡凯坎科克肯库奎拉莱赖兰朗劳勒雷蕾里利莉连列林琳卢鲁伦罗洛吕马玛迈麦"
    "曼芒梅门蒙米明莫姆穆纳娜奈南内尼涅宁纽努诺欧帕佩蓬皮珀普齐奇乔切琴丘萨塞赛桑瑟森沙莎"
    "尚舍圣施斯松苏索塔泰坦汤特提廷图托瓦旺威韦维温翁沃乌西希锡夏谢辛休雅亚扬耶伊因英尤约"
    "泽扎詹兹茨朱佐尔文登顿芙丽"
)

# A match report: a score line, odds, or the words of fixtures and standings. In one, a
# bare transliterated word is most often a club (巴勒莫, 贝蒂斯), not a person.
_MATCH_WORDS_TEXT = (
    "主场 客场 主队 客队 客战 主胜 客胜 平局 让球 盘口 赔率 欧赔 亚盘 澳盘 水位 联赛 战平 "
    "逼平 击败 不敌 负于 连胜 连败 近况 英超 西甲 意甲 德甲 法甲 欧冠 VS vs"
)
MATCH_WORDS: tuple[str, ...] = tuple(_MATCH_WORDS_TEXT.split())

# Words next to a transliterated name that make it a player or coach, not a club.
_PLAYER_BEFORE_TEXT = (
    "队长 前锋 中锋 边锋 后卫 中卫 门将 中场 主帅 主教练 教练 少帅 球员 球星 新援 外援 "
    "射手 老将 小将 人称"
)
PLAYER_BEFORE: frozenset[str] = frozenset(_PLAYER_BEFORE_TEXT.split())
_PLAYER_AFTER_TEXT = (
    "上任 下课 执教 缺阵 伤愈 复出 受伤 伤停 停赛 进球 破门 助攻 首发 替补 转会 加盟 "
    "梅开二度 上演 说 表示 称 认为 坦言 透露 接班人"
)
PLAYER_AFTER: frozenset[str] = frozenset(_PLAYER_AFTER_TEXT.split())

# Labels of forms, records and messages after which a person's name is the value:
# 联系人：王小明, 收件人 欧阳娜娜, 持卡人李娜的…, 致张伟：
_FORM_LABELS_TEXT = (
    "联系 联系人 紧急联系人 收件人 收货人 寄件人 发件人 签收人 取件人 姓名 名字 持卡人 户名 开户名 "
    "开户人 车主 户主 业主 房东 房主 租客 承租人 出租人 经办人 办理人 申请人 投保人 被保险人 "
    "受益人 患者 病人 就诊人 学生 家长 监护人 法定代表人 法人代表 负责人 客户 顾客 用户 会员 "
    "乘客 旅客 住客 入住人 付款人 收款人 借款人 贷款人 担保人 委托人 受托人 代理人 当事人 证人 "
    "员工 职工 司机 驾驶员 驾驶人 快递员 骑手 致 尊敬的 亲爱的 甲方 乙方 买方 卖方 我叫 名叫 "
    "报案人 举报人 投诉人 审批人 审核人 制表人 填表人 记录人 操作员 销售员 业务员 主治医生"
)
FORM_LABELS: tuple[str, ...] = tuple(sorted(_FORM_LABELS_TEXT.split(), key=len, reverse=True))

# Characters and words that end a name written straight into running text: particles,
# prepositions and the openings of greetings and forms of address (王小明的…, 李娜于…,
# 张伟您好, 陈静先生).
NAME_STOPS = frozenset("的于您在已是和与及等向从将为说称到")
NAME_STOP_WORDS = ("先生", "女士", "小姐", "同学", "老师", "师傅", "同志")

# Greetings written straight after a name at the start of a message: 王小明您好.
GREETINGS = ("您好", "你好")

# Characters common in given names of both sexes (general knowledge of Chinese naming):
# a stray character LAC cut off a name is taken back only if it is one of them.
GIVEN_CHARS = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红鹏建飞琳波辉宇浩欣怡梓涵子轩雨晨"
    "博文佳慧俊峰宁婷雪晶斌洁琴云凯海鑫思雅嘉瑶晓东志林丹鸿颖昊然梦瑞安彤诗悦泽天秀美春燕"
    "梅凤莉珍秋菊淑惠巧兵国庆民永福贵荣德成龙生祥发忠良亮宏远智锋坤健毅松柏青山水清源江河"
    "伦新立力正荣振家婕菲薇蕾倩璐露琪琦妍蓉芸莹晴冰月星阳光辰宸睿哲航翔腾逸煜铭锦豪杨帆森"
    "磊鹤嵩彬韬懿婉娴淼焱鑫鹰骏驰昕旭曦晗皓钰铮晟霖沛润桐楠槿莲荷菲蓓玲珊瑾瑜璇璟琳瑛昭"
    "继承卫保守仁义礼信诚厚泉恒康寿喜乐欢庭廷堂若如心意惠贤淑娇媛姗姝婧婵妮娅娥彩霓虹"
)

# Function characters never written in a given name (particles, pronouns, adverbs of
# degree): 何也, 王的 are not names whatever LAC tagged them.
NON_NAME_CHARS = frozenset("的了着过吗呢吧啊么也很被把们这那哪些")

# Words right before the name of a company or brand (开发商 X, 旗下 X): X is not a person.
_ORG_CUES_TEXT = (
    "开发商 发行商 厂商 运营商 出版商 制造商 供应商 经销商 代理商 承包商 品牌 旗下 博彩公司"
)
ORG_CUES: frozenset[str] = frozenset(_ORG_CUES_TEXT.split())

