"""Compact embedded lists for realistic pseudonyms (general knowledge, no data files).

Chinese surnames carry approximate shares (per mille) from the 2020 census household
ranking, so pseudonyms follow the real distribution; given-name characters are common
ones of both sexes. English first names reuse the recognizer's given-name list (sorted,
so the choice does not depend on set iteration order); last names are the most frequent
US Census 2010 surnames.
"""

from __future__ import annotations

from anonymize.recognizers.person.given_names import GIVEN_NAMES

ZH_SURNAME_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22),
    ("赵", 21), ("吴", 20), ("周", 19), ("徐", 15), ("孙", 15), ("马", 12), ("朱", 12),
    ("胡", 11), ("郭", 11), ("何", 10), ("林", 10), ("高", 10), ("罗", 9), ("郑", 9),
    ("梁", 8), ("谢", 7), ("宋", 6), ("唐", 6), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6),
    ("曹", 5), ("彭", 5), ("曾", 5), ("肖", 5), ("田", 5), ("董", 5), ("袁", 4), ("潘", 4),
    ("于", 4), ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 3),
    ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3), ("欧阳", 1), ("司马", 1),
)

ZH_GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红鹏建飞琳波辉宇浩欣怡梓涵子轩"
    "雨晨博文佳慧俊峰宁婷雪晶斌洁琴云凯海鑫思雅嘉瑶晓东志林丹鸿颖昊然梦瑞安彤诗悦泽天"
)

EN_FIRST_NAMES: tuple[str, ...] = tuple(sorted(GIVEN_NAMES))

_LAST_NAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez
Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott
Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris
Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly
Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza
Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
"""
EN_LAST_NAMES: tuple[str, ...] = tuple(_LAST_NAMES.split())

# 6-digit county codes (GB/T 2260) for generated resident IDs: one district per big city.
ID_REGION_CODES = (
    "110101", "110108", "310101", "310115", "120101", "500103", "440106", "440305",
    "330106", "320102", "510107", "420106", "610113", "370102", "410105", "430102",
)
