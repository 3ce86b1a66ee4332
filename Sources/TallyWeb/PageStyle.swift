/// The page's only style sheet, inline: the system's own sans-serif (no web font), a readable
/// measure, 4.5:1 contrast or better for every text colour, visible focus, and charts that shrink
/// with the window (their SVG has a viewBox).
enum PageStyle {
    static let css = """
    :root{color-scheme:light;--ink:#1a1a1a;--muted:#4d4d4d;--rule:#d0d0d0;--accent:#1f4e79;--band:#f3f6fa}
    *{box-sizing:border-box}
    body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fff}
    header.site,main,footer.site{max-width:52rem;margin:0 auto;padding:0 1rem}
    header.site{border-bottom:1px solid var(--rule)}header.site a{font-weight:700;color:var(--accent);text-decoration:none}
    footer.site{border-top:1px solid var(--rule);margin-top:2rem;color:var(--muted);font-size:.9rem}
    h1{font-size:1.7rem;line-height:1.25;margin:1.2rem 0 .4rem}h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem}
    h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
    a{color:var(--accent)}a:focus-visible,input:focus-visible,select:focus-visible,button:focus-visible,summary:focus-visible{outline:3px solid #e8a317;outline-offset:2px}
    .lead{font-size:1.1rem;margin:.3rem 0 1rem}
    form.question{background:var(--band);border:1px solid var(--rule);border-radius:6px;padding:.8rem 1rem;display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.6rem 1rem}
    form.question label,form.question legend{display:block;font-weight:600;font-size:.95rem}
    form.question select,form.question input[type=date]{width:100%;font:inherit;padding:.25rem;border:1px solid #767676;border-radius:4px;background:#fff}
    form.question .wide{grid-column:span 2}@media (max-width:34rem){form.question .wide{grid-column:auto}}
    form.question fieldset{grid-column:1/-1;border:1px solid var(--rule);border-radius:4px;margin:0;padding:.3rem .8rem .5rem}
    form.question fieldset p{margin:.2rem 0}form.question .choice{display:inline-block;margin-right:1rem;font-weight:400}
    form.question .hint{grid-column:1/-1;margin:0;color:var(--muted);font-size:.9rem}
    form.question button{grid-column:1/-1;justify-self:start;font:inherit;font-weight:600;padding:.4rem 1.2rem;border:0;border-radius:4px;background:var(--accent);color:#fff;cursor:pointer}
    .scroll{overflow-x:auto}
    table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
    th,td{border-bottom:1px solid var(--rule);padding:.35rem .5rem;text-align:left;vertical-align:top}thead th{border-bottom:2px solid var(--ink)}
    td.period{white-space:nowrap}td.figures{font-size:.85rem}td.figures a{display:block;white-space:nowrap}td.figures code{overflow-wrap:normal}td.value{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;font-weight:600}tr.total th,tr.total td{background:var(--band)}
    .derived{font-size:.85rem;color:var(--muted)}.muted{color:var(--muted)}
    figure{margin:1rem 0}figure svg{max-width:100%;height:auto;display:block}figcaption{font-size:.9rem;color:var(--muted)}
    details summary{cursor:pointer;color:var(--accent)}
    article.figure{border-left:4px solid var(--rule);padding:.1rem 0 .1rem .8rem;margin:1rem 0}article.figure:target{border-left-color:#e8a317;background:#fffbea}
    article.figure dl{display:grid;grid-template-columns:max-content 1fr;gap:0 .8rem;margin:.3rem 0;font-size:.95rem}article.figure dt{color:var(--muted)}article.figure dd{margin:0}
    blockquote{margin:.4rem 0;padding:.2rem .8rem;border-left:3px solid var(--accent);background:var(--band);font-style:italic}
    p.source{margin:.1rem 0 .6rem;font-size:.9rem;color:var(--muted)}
    .errors{border:2px solid #b00020;border-radius:6px;padding:.5rem 1rem;background:#fdecee}.errors h2{border:0;margin:.3rem 0;color:#b00020}
    code{font-size:.9em;overflow-wrap:anywhere}
    ul.findings li{margin:.5rem 0}
    """
}
