-- One row per normalised agency name, with the administrative place its name states, parsed by
-- rules on the name's prefix (in this order): province (…省/…自治区, or one of the four
-- province-level municipalities 北京市/天津市/上海市/重庆市), city (…市/…自治州/…盟), a
-- development zone (…经济技术开发区/…高新区/…开发区/…) whose bracketed part names its
-- district or county ("武汉经济技术开发区（汉南区）"), district (…区), county (…县/…旗).
-- A zone with no city before it gives its city as the zone's place name ("武汉").
{%- set no_unit = "[^省市县区（）]" %}
{%- set zones = "经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|高新区|开发区|工业园区|保税区|综合试验区|示范区" %}
with

documents as (

    select * from {{ ref('stg_documents') }}
    where agency_name is not null

),

agencies as (

    select
        agency_name,
        count(distinct doc_id) as n_documents,
        count(distinct agency_name_printed) as n_printed_names,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year
    from documents
    group by agency_name

),

province_part as (

    select
        *,
        nullif(regexp_extract(agency_name, '^(北京市|天津市|上海市|重庆市)', 1), '') as municipality,
        nullif(regexp_extract(agency_name, '^({{ no_unit }}{2,10}?(?:省|自治区|特别行政区))', 1), '') as province_name
    from agencies

),

city_part as (

    select
        *,
        substr(agency_name, length(coalesce(municipality, province_name, '')) + 1) as after_province
    from province_part

),

city_parsed as (

    select
        *,
        case
            when municipality is null
                then nullif(regexp_extract(after_province, '^({{ no_unit }}{1,10}?(?:市|自治州|盟))', 1), '')
        end as city_name
    from city_part

),

zone_parsed as (

    select
        *,
        substr(after_province, length(coalesce(city_name, '')) + 1) as after_city,
        nullif(
            regexp_extract(
                substr(after_province, length(coalesce(city_name, '')) + 1),
                '^({{ no_unit }}{1,12}?(?:{{ zones }}))', 1
            ),
            ''
        ) as zone_name,
        nullif(
            regexp_extract(
                substr(after_province, length(coalesce(city_name, '')) + 1),
                '^({{ no_unit }}{1,12}?)(?:{{ zones }})', 1
            ),
            ''
        ) as zone_place
    from city_parsed

),

local_part as (

    select
        *,
        case
            when zone_name is not null
                -- the zone's bracketed administrative name, "（汉南区）"
                then nullif(
                    regexp_extract(
                        substr(after_city, length(zone_name) + 1),
                        '^（([^（）]{1,10}?(?:区|县|旗))）', 1
                    ),
                    ''
                )
            else nullif(regexp_extract(after_city, '^({{ no_unit }}{1,10}?(?:区|县|旗))', 1), '')
        end as local_name
    from zone_parsed

),

final as (

    select
        agency_name,
        coalesce(municipality, province_name) as province,
        coalesce(municipality, city_name, case when province_name is null then zone_place end) as city,
        case when local_name similar to '.*(县|旗)' then local_name end as county,
        case
            when local_name similar to '.*区' and not local_name similar to '.*(社区|园区|景区|片区)'
                then local_name
        end as district,
        zone_name as development_zone,
        municipality is not null as is_municipality,
        n_documents,
        n_printed_names,
        first_fiscal_year,
        last_fiscal_year
    from local_part

)

select
    {{ agency_key('agency_name') }} as agency_key,
    *,
    case
        when district is not null then 'district'
        when county is not null then 'county'
        when development_zone is not null then 'development_zone'
        when is_municipality then 'province'
        when city is not null then 'city'
        when province is not null then 'province'
        else 'unknown'
    end as admin_level
from final
