-- One row per document × sentence of its prose: the printed lines of the sentence joined in order,
-- whitespace removed, with the section it is printed under and where it starts.
with

source as (

    select * from {{ source('raw_narrative', 'narrative_sentences') }}

),

sentences as (

    select
        doc_id,
        sentence_index,
        any_value(section_key) as section_key,
        any_value(heading) as heading,
        string_agg(text, '' order by line_index) as sentence_printed,
        min(source_line) as source_line,
        min(page) as page
    from source
    group by doc_id, sentence_index

),

renamed as (

    select
        ---------- ids
        doc_id || ':S' || sentence_index as sentence_id,
        doc_id,
        sentence_index,

        ---------- where
        section_key,
        heading,

        ---------- text
        {{ clean_label('sentence_printed') }} as sentence,

        ---------- provenance
        source_line,
        page

    from sentences

)

select * from renamed
