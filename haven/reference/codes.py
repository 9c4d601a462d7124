"""Fixed code lists shared by several domains. Codes are those of the dataset format
(shared REPORT.md) and of HTCDS; labels are translated. Extend by adding members."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JudicialDistrict(models.TextChoices):
    """Gerechtelijk arrondissement where the exploitation took place (since 2014)."""

    ANT = "ANT", _("Antwerp")
    LIM = "LIM", _("Limburg")
    OVL = "OVL", _("East Flanders")
    WVL = "WVL", _("West Flanders")
    LEU = "LEU", _("Leuven")
    BRU = "BRU", _("Brussels")
    WBR = "WBR", _("Walloon Brabant")
    HEN = "HEN", _("Hainaut")
    LUI = "LUI", _("Liège")
    LUX = "LUX", _("Luxembourg")
    NAM = "NAM", _("Namur")
    EUP = "EUP", _("Eupen")
    ABROAD = "ABROAD", _("Abroad")
    UNKNOWN = "UNKNOWN", _("Unknown")


class ExploitationForm(models.TextChoices):
    """Forms of exploitation: Belgian law (art. 433quinquies) plus EU Directive 2024/1712."""

    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Labour exploitation")
    BEGGING = "begging", _("Forced begging")
    CRIMINALITY = "criminality", _("Forced criminality")
    ORGAN_REMOVAL = "organ_removal", _("Removal of organs or tissue")
    SMUGGLING_AGGRAVATED = "smuggling_aggravated", _("Aggravated human smuggling")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    ILLEGAL_ADOPTION = "illegal_adoption", _("Illegal adoption")
    SURROGACY = "surrogacy", _("Exploitation of surrogacy")
    OTHER = "other", _("Other")


class MethodOfControl(models.TextChoices):
    """HTCDS v2.0 'Methods of Control'."""

    PHYSICAL_THREATS = "physical_threats", _("Physical threats")
    LAW_ENFORCEMENT_THREATS = "law_enforcement_threats", _("Threats of law enforcement")
    THREATENS_FAMILY = "threatens_family", _("Threatens children or family")
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    FALSE_PROMISES = "false_promises", _("False promises")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCES = "restricts_finances", _("Restricts financial access")
    RESTRICTS_MEDICAL = "restricts_medical", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "psychoactive_substance", _("Psychoactive substances")
    EXCESSIVE_HOURS = "excessive_hours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds documents")
    OTHER = "other", _("Other")


class RecruitmentMethod(models.TextChoices):
    """HTCDS v2.0 'Method of Recruitment'."""

    PLACE_OF_BUSINESS = "place_of_business", _("At a place of business")
    EDUCATIONAL_INSTITUTION = "educational_institution", _("At an educational institution")
    AT_WORK = "at_work", _("At work")
    SOCIAL_NETWORKS = "social_networks", _("Through online social networks")
    ONLINE_ADVERTISEMENT = "online_advertisement", _("Through an online advertisement")
    TELEVISION = "television", _("Through a television advert")
    NEWSPAPER = "newspaper", _("Through a newspaper advert")
    FAMILY = "family", _("Through family or family events")
    FRIENDS = "friends", _("Through friends or social events")
    OTHER = "other", _("Other")


class Vulnerability(models.TextChoices):
    """HTCDS v2.0 'Vulnerabilities'."""

    ADDICTION = "addiction", _("Addiction")
    SOCIAL_GROUP = "social_group", _("Social group")
    DISCRIMINATION = "discrimination", _("Discrimination")
    POVERTY = "poverty", _("Poverty")
    DISABILITY = "disability", _("Disability and physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    MIGRATION = "migration", _("Migration")
    HOMELESSNESS = "homelessness", _("Homelessness")
    ABUSE_SOCIAL_MEDIA = "abuse_social_media", _("Abuse through social media")
    ABUSE_PHYSICAL = "abuse_physical", _("Physical abuse")
    EDUCATION = "education", _("Education")
    WORK_ENVIRONMENT = "work_environment", _("Work environment")


class ProsecutionOffice(models.TextChoices):
    """The 14 prosecutor's offices (parketten) since 2014, with a labour auditor's office
    (arbeidsauditoraat) beside each: the 12 judicial districts, Brussels split into Brussels
    and Halle-Vilvoorde, Hainaut into Charleroi and Mons-Tournai."""

    ANT = "ANT", _("Antwerp")
    LIM = "LIM", _("Limburg")
    OVL = "OVL", _("East Flanders")
    WVL = "WVL", _("West Flanders")
    LEU = "LEU", _("Leuven")
    HVV = "HVV", _("Halle-Vilvoorde")
    BRU = "BRU", _("Brussels")
    WBR = "WBR", _("Walloon Brabant")
    CHA = "CHA", _("Charleroi")
    MTO = "MTO", _("Mons-Tournai")
    LUI = "LUI", _("Liège")
    LUX = "LUX", _("Luxembourg")
    NAM = "NAM", _("Namur")
    EUP = "EUP", _("Eupen")
    OTHER = "OTHER", _("Other (abroad, federal prosecutor)")


# The judicial district each office serves.
OFFICE_DISTRICT = {
    **{
        office.value: office.value
        for office in ProsecutionOffice
        if office.value in JudicialDistrict.values
    },
    "HVV": JudicialDistrict.BRU.value,
    "CHA": JudicialDistrict.HEN.value,
    "MTO": JudicialDistrict.HEN.value,
    "OTHER": JudicialDistrict.ABROAD.value,
}
