-- Raw layer for 绩效自评表 (performance self-evaluation tables) and narrative figures (情况说明 prose).
-- Filled by extract/performance.py and extract/narrative.py through DocumentResult.extra.
-- Amounts keep the printed precision: DECIMAL(18,4) because 项目支出绩效自评表 print 万元 with three
-- decimals (2.189, 44.199); scores and rates DECIMAL(12,4). Blank cell = NULL.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.performance_evaluations (
    doc_id             VARCHAR NOT NULL,
    evaluation_index   INTEGER NOT NULL,      -- order of the table in the document
    scope              VARCHAR NOT NULL,      -- department (整体支出) | project (项目支出) | unknown
    title              VARCHAR NOT NULL,      -- title as printed, spaces removed
    project_name       VARCHAR,               -- 项目名称 (project scope)
    agency_name        VARCHAR,               -- 单位名称 / 预算部门名称 / 预算单位 as printed
    fiscal_year        INTEGER,
    unit               VARCHAR,               -- unit of the budget lines (万元 | 元)
    layout             VARCHAR NOT NULL,      -- tab | cell_per_line
    total_weight       DECIMAL(12, 4),        -- 总分 weight when printed (100)
    total_score        DECIMAL(12, 4),        -- 总分 score
    grade              VARCHAR,               -- 优 / 良 / 中 / 差 when printed
    budget_score       DECIMAL(12, 4),        -- 得分 of the first scored budget line
    n_budget_lines     INTEGER NOT NULL,
    n_indicators       INTEGER NOT NULL,
    total_raw_text     VARCHAR,               -- the 总分 row as printed
    total_source_line  INTEGER,
    raw_text           VARCHAR NOT NULL,      -- the title row as printed
    source_line        INTEGER,
    page               INTEGER,
    PRIMARY KEY (doc_id, evaluation_index)
);

CREATE TABLE IF NOT EXISTS raw.performance_budget_lines (
    doc_id             VARCHAR NOT NULL,
    evaluation_index   INTEGER NOT NULL,
    line_index         INTEGER NOT NULL,
    line_label         VARCHAR,               -- 年度资金总额 / 资金总额 / 市县区财政资金 / 部门整体支出总额 / 公立医院
    line_kind          VARCHAR,               -- funds (a fund line) | subject (任务名称 row) | total (金额合计 of the subject rows)
    initial_declared   DECIMAL(18, 4),        -- 年初预算数: 目标申报数
    initial_budget     DECIMAL(18, 4),        -- 年初预算数 (预算编制数)
    full_year_budget   DECIMAL(18, 4),        -- 全年预算数 / 预算数 (A)
    executed           DECIMAL(18, 4),        -- 全年执行数 / 执行数 (B)
    balance            DECIMAL(18, 4),        -- 资金结(转)余
    execution_rate     DECIMAL(12, 4),        -- 执行率, percent as printed (87.49 = 87.49%)
    weight             DECIMAL(12, 4),        -- 分值 (or the weight printed in the header, "(20 分)")
    score              DECIMAL(12, 4),        -- 得分
    raw_text           VARCHAR NOT NULL,
    source_line        INTEGER,
    page               INTEGER,
    PRIMARY KEY (doc_id, evaluation_index, line_index)
);

-- The funds block of a 绩效自评表, one row per printed amount: fund lines (年度资金总额, 其中：当年财政拨款,
-- 其他资金), per-subject lines split into 总额 | 财政拨款 | 其他资金 columns (部门整体支出绩效自评表),
-- and statements "按收入性质分：326.68". Vocabulary in extract/performance_funds.yml.
CREATE TABLE IF NOT EXISTS raw.performance_fund_amounts (
    doc_id             VARCHAR NOT NULL,
    evaluation_index   INTEGER NOT NULL,
    amount_index       INTEGER NOT NULL,
    line_index         INTEGER,               -- raw.performance_budget_lines of the amount; NULL for a statement
    line_kind          VARCHAR NOT NULL,      -- funds | subject | total | statement
    subject_code       VARCHAR,               -- 功能分类 code printed before the subject name
    subject            VARCHAR,               -- 任务名称 of a subject line as printed (spaces removed)
    breakdown          VARCHAR,               -- income_nature (按收入性质分) | expenditure_nature (按支出性质分)
    fund_source        VARCHAR NOT NULL,      -- total | fiscal | other | carryover | general_budget | gov_fund |
                                              -- state_capital | special_account | basic | project | unknown
    fund_label         VARCHAR,               -- the label or column naming the fund, as printed
    measure            VARCHAR,               -- initial_declared | initial_budget | full_year_budget | executed |
                                              -- balance; NULL when no column says (statements)
    amount             DECIMAL(18, 4) NOT NULL,
    printed_text       VARCHAR NOT NULL,      -- the amount as printed ('122020.6', '2,495,142.55')
    printed_decimals   INTEGER NOT NULL,      -- decimals printed: amounts compare at this precision
    raw_text           VARCHAR NOT NULL,      -- the printed row
    source_line        INTEGER,
    page               INTEGER,
    PRIMARY KEY (doc_id, evaluation_index, amount_index)
);

CREATE TABLE IF NOT EXISTS raw.performance_indicators (
    doc_id                 VARCHAR NOT NULL,
    evaluation_index       INTEGER NOT NULL,
    indicator_index        INTEGER NOT NULL,
    level1                 VARCHAR,           -- 一级指标 (产出指标 / 效益指标 / 满意度指标), weight note removed
    level1_weight          DECIMAL(12, 4),    -- "(50分)" printed beside the 一级指标
    level2                 VARCHAR,           -- 二级指标
    level3                 VARCHAR,           -- 三级指标
    target_value           VARCHAR,           -- 年度指标值 / 年初指标值 / 年初目标值, as printed
    adjusted_target_value  VARCHAR,           -- 调整后指标值
    actual_value           VARCHAR,           -- 实际完成值
    weight                 DECIMAL(12, 4),    -- 分值 (NULL when the table has no 分值 column)
    score                  DECIMAL(12, 4),    -- 得分
    deviation_reason       VARCHAR,           -- 偏差原因分析及改进措施
    raw_text               VARCHAR NOT NULL,
    source_line            INTEGER,
    page                   INTEGER,
    PRIMARY KEY (doc_id, evaluation_index, indicator_index)
);

CREATE TABLE IF NOT EXISTS raw.narrative_figures (
    doc_id        VARCHAR NOT NULL,
    figure_index  INTEGER NOT NULL,
    metric        VARCHAR NOT NULL,           -- total_income_expenditure, expenditure_basic, completion_rate, ...
    scope         VARCHAR,                    -- all | fiscal_grant | general_budget | gov_fund | state_capital
    subject       VARCHAR,                    -- 功能分类 path (类/款/项), "三公" item, part name; NULL = overall
    value         DECIMAL(18, 4) NOT NULL,    -- signed for changes (减少/下降 -> negative)
    unit          VARCHAR NOT NULL,           -- 万元 | 元 | % | 个 | 辆 | 台 | 分
    raw_value     VARCHAR NOT NULL,           -- number and unit as printed ('1 4 1 3 . 8 4万元'; '13.95' when the % sign is missing)
    label         VARCHAR,                    -- the words naming the figure (text before the number)
    section       VARCHAR,                    -- top-level heading (一、…) the sentence is under
    sentence      VARCHAR NOT NULL,           -- the sentence the figure came from, as printed
    source_line   INTEGER,
    page          INTEGER,
    printed_decimals INTEGER,                 -- decimals printed ('77.1%' -> 1): rates are compared at it
    PRIMARY KEY (doc_id, figure_index)
);

-- Warehouses created before these columns existed.
ALTER TABLE raw.narrative_figures ADD COLUMN IF NOT EXISTS printed_decimals INTEGER;
ALTER TABLE raw.performance_budget_lines ADD COLUMN IF NOT EXISTS line_kind VARCHAR;
