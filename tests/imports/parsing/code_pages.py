"""CRM exports written in Windows and Mac code pages, shared by the parsing and the API tests:
the text as written, and the names and cities an import must read back."""

# ruff: noqa: RUF001, RUF003 - Cyrillic letters and typographic dashes are the point of these samples

from __future__ import annotations

# Excel "CSV" on a Polish or Czech Windows: Windows-1250, ";" and decimal commas.
CENTRAL_EUROPEAN = (
    "Account ID;Account Name;Billing Street;Billing Zip/Postal Code;Billing City;"
    "Billing Country;Annual Revenue\r\n"
    "PL-1001;Łódź Hurtownia Spółka z o.o.;ul. Piotrkowska 12;90-001;Łódź;Polska;125 000,00\r\n"
    "PL-1002;Zakład Mięsny Żabka;ul. Świętokrzyska 3;00-360;Warszawa;Polska;48 500,50\r\n"
    "PL-1003;Piekarnia Źródło;ul. Wrocławska 44;30-011;Kraków;Polska;9 900,00\r\n"
    "CZ-2001;Pražská Pekárna s.r.o.;Václavské náměstí 5;110 00;Praha;Česko;310 000,00\r\n"
    "CZ-2002;Řeznictví Dvořák;Husova 12;602 00;Brno;Česko;77 000,00\r\n"
    "CZ-2003;Železářství Čermák a syn;Žižkova 8;702 00;Ostrava;Česko;15 250,00\r\n"
)
CENTRAL_EUROPEAN_NAMES = [
    "Łódź Hurtownia Spółka z o.o.",
    "Zakład Mięsny Żabka",
    "Piekarnia Źródło",
    "Pražská Pekárna s.r.o.",
    "Řeznictví Dvořák",
    "Železářství Čermák a syn",
]

# A Russian or Bulgarian Windows: Windows-1251, headers in Russian (so a mapping names them).
CYRILLIC = (
    "ID;Название;Адрес;Город;Annual Revenue\r\n"
    "R-1;ООО Ромашка;ул. Тверская, 7;Москва;1 000 000\r\n"
    "R-2;ЗАО Весна;Невский проспект, 28;Санкт-Петербург;250 000\r\n"
    "R-3;ИП Иванов Сергей Петрович;ул. Ленина, 15;Казань;40 000\r\n"
    "B-1;ЕООД Слънце;бул. Витоша 15;София;80 000\r\n"
    "B-2;ЕТ Георгиев и синове;ул. Цар Симеон 21;Варна;12 000\r\n"
)
CYRILLIC_MAPPING = {"name": "Название", "street": "Адрес", "city": "Город"}
CYRILLIC_NAMES = [
    "ООО Ромашка",
    "ЗАО Весна",
    "ИП Иванов Сергей Петрович",
    "ЕООД Слънце",
    "ЕТ Георгиев и синове",
]
CYRILLIC_CITIES = ["Москва", "Санкт-Петербург", "Казань", "София", "Варна"]

# A Western European Windows: Windows-1252, with characters only it has (€, „“, –, œ).
WESTERN = (
    "Account ID;Account Name;Billing City;Billing Country;Description\r\n"
    "F-1;Crème Brûlée SARL;Besançon;France;Pâtisserie – €1.200/mois\r\n"
    "F-2;Boulangerie Lefèvre;Orléans;France;„Cœur“ du quartier\r\n"
    "E-1;Señor Niño Tapas;Logroño;España;Nº 3, planta baja\r\n"
    "E-2;Panadería Muñoz;Córdoba;España;\r\n"
    "D-1;Café Müller;München;Deutschland;Weißwurst-Frühstück\r\n"
)
WESTERN_NAMES = [
    "Crème Brûlée SARL",
    "Boulangerie Lefèvre",
    "Señor Niño Tapas",
    "Panadería Muñoz",
    "Café Müller",
]
WESTERN_NOTES = ["Pâtisserie – €1.200/mois", "„Cœur“ du quartier", "Nº 3, planta baja"]

# Excel for Mac "CSV (Macintosh)": Mac Roman with the old Mac line ends (CR only), written out
# as bytes: é is 0x8E, ü 0x9F, ä 0x8A, è 0x8F, û 0x9E, ç 0x8D, ß 0xA7, ö 0x9A.
MAC_ROMAN = (
    b"id,name,city,annual revenue\r"
    b"M-1,Caf\x8e M\x9fller,Z\x9frich,900\r"
    b"M-2,B\x8ackerei Sch\x8afer,M\x9fnchen,700\r"
    b"M-3,Cr\x8fme Br\x9el\x8ee SARL,Besan\x8don,500\r"
    b"M-4,Gro\xa7handel K\x9aln,K\x9aln,300\r"
)
MAC_ROMAN_NAMES = ["Café Müller", "Bäckerei Schäfer", "Crème Brûlée SARL", "Großhandel Köln"]

# One row each: too little to be sure of any code page.
ONE_ROW = [
    ("id;name\r\n1;Café Müller\r\n", "cp1252"),
    ("id;name\r\n1;Łódź Hurtownia Spółka\r\n", "cp1250"),
    ("id;name\r\n1;ООО Ромашка\r\n", "cp1251"),
    ("id;name\r\n1;Café Müller\r\n", "mac_roman"),
]
