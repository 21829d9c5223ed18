"""Common Chinese surnames, embedded as constants (no data files, no import-time I/O).

Single-character surnames are the ~400 most frequent ones (the 2019/2020 Ministry of Public
Security household-registration rankings plus the classical 百家姓 core); compound surnames
are the ones still in living use. Both lists are general knowledge, not tuned to any corpus.
"""

from __future__ import annotations

_SINGLE = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭"
    "由姒雒蒯桓钮鄂阎傅洪赖萧丘习竺濮寿郦庾訾逄钭厍巢暨"
)
_COMPOUND = (
    "欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 尉迟 公孙 夏侯 长孙 宇文 司徒 端木 独孤 南宫 西门 "
    "百里 呼延 轩辕 万俟 闻人 澹台 公冶 太史 申屠 钟离 赫连 拓跋 司空 闾丘 濮阳 东郭 公羊 第五"
)

SINGLE_SURNAMES: frozenset[str] = frozenset(_SINGLE)
COMPOUND_SURNAMES: frozenset[str] = frozenset(_COMPOUND.split())


def surname_length(text: str) -> int:
    """Length of the surname that ``text`` starts with: 2 (compound), 1, or 0 (none)."""
    if text[:2] in COMPOUND_SURNAMES:
        return 2
    if text[:1] in SINGLE_SURNAMES:
        return 1
    return 0
