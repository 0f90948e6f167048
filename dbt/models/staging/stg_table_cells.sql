with

source as (

    select * from {{ source('raw', 'table_cells') }}

),

documents as (

    select
        doc_id,
        {{ money_unit_of('unit') }} as money_unit
    from {{ source('raw', 'documents') }}

),

cleaned as (

    select
        source.*,
        {{ clean_label('source.row_label') }} as row_label_clean,
        -- for names: no ordinal ("八、"), brackets full-width ("退职(役)费" = "退职（役）费")
        replace(
            replace(
                regexp_replace({{ clean_label('source.row_label') }}, '^[一二三四五六七八九十]+[、.．]', ''),
                '(', '（'
            ),
            ')', '）'
        ) as label_no_ordinal,
        nullif(regexp_replace(coalesce(source.subject_code, ''), '[^0-9]', '', 'g'), '') as subject_code_clean,
        documents.money_unit,
        -- 相关信息统计表 (T10): the rows from 车辆数 (vehicles) on — vehicle types, equipment
        -- "(台)" — are counts, not money, as is any row whose label states a count unit "(辆)";
        -- a label stating a money unit "(万元)" stays money.
        coalesce(
            source.table_code = 'T10'
            and not regexp_matches(coalesce(source.row_label, ''), '[（(]万?元[)）]')
            and (
                source.row_index >= min(
                    case
                        when
                            source.row_key like 'vehicles%'
                            or regexp_matches(coalesce(source.row_label, ''), '车辆数')
                            then source.row_index
                    end
                ) over (partition by source.doc_id, source.table_code)
                or source.row_key like 'equipment%'
                or regexp_matches(coalesce(source.row_label, ''), '[（(][辆台套个处人次、/]+[)）]')
            ),
            false
        ) as is_count
    from source
    left join documents on source.doc_id = documents.doc_id

),

renamed as (

    select
        ---------- ids
        doc_id || ':' || table_code || ':' || row_index || ':' || column_key as cell_id,
        doc_id || ':' || table_code || ':' || row_index as row_id,
        doc_id,
        table_code,
        row_index,
        column_key,

        ---------- row
        {{ clean_label('table_title') }} as table_title,
        row_label_clean as row_label,
        -- the printed name without its ordinal ("八、") or a code printed in the same cell
        nullif(
            case
                when subject_code_clean is not null
                    then regexp_replace(label_no_ordinal, '^[0-9]+', '')
                else label_no_ordinal
            end,
            ''
        ) as item_name,
        row_key,
        subject_code_clean as subject_code,
        {{ subject_level('subject_code_clean') }} as subject_level,
        line_no,
        {{ clean_label('column_label') }} as column_label,

        ---------- value
        case when is_count then 'count' else 'money' end as measure_kind,
        money_unit as unit_printed,
        value as value_printed,
        case when not is_count then {{ to_wan('value', 'money_unit') }} end as value_wan,
        case when is_count then value end as value_count,
        raw_text,

        ---------- provenance
        source_line,
        page

    from cleaned

)

select * from renamed
