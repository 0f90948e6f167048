-- One row per document × identity instance as the checks wrote it, renamed for the marts.
with

source as (

    select * from {{ source('audit', 'identity_results') }}

),

renamed as (

    select
        ---------- ids
        -- rows written before finding_id existed get the same hash the checks give (expectations/store.py)
        coalesce(finding_id, left(sha1(doc_id || '|' || identity_id || '|' || instance), 12)) as finding_id,
        doc_id,
        result_id,

        ---------- rule
        identity_id as rule_id,
        suite as rule_family,
        instance,
        description,
        source_file,

        ---------- verdict
        status,
        severity,
        message,
        suggestion,
        reason,

        ---------- sides (as recorded: unit by family, see seed finding_units)
        lhs_value,
        rhs_value,
        difference,
        tolerance,
        n_terms,
        {{ money_unit_of('unit') }} as document_money_unit,

        ---------- run
        checked_at

    from source

)

select * from renamed
